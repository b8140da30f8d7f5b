"""What a practice's real export sends beyond the basics: the visit's site, gestational age,
siblings sharing a caregiver, and the preventive visit a well-child encounter makes."""

import pytest

from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.models import RowCompletion
from medhome.practices.models import Site
from medhome.visits.models import Visit

from .support import patient, run_import, write_export
from .test_bulk_mappings import P1, appointment, encounter

pytestmark = pytest.mark.django_db


def location(display: str, value: str = "") -> dict:
    found: dict = {"type": "Location", "display": display}
    if value:
        found["identifier"] = {"system": "urn:test:location", "value": value}
    return found


def test_visit_site_is_the_practices_site_by_name(practice_a, practice_b, tmp_path):
    north = Site.objects.create(practice=practice_a, name="North Clinic")
    Site.objects.create(practice=practice_b, name="South Clinic")  # another practice's
    files = {
        "Patient": [patient()],
        "Appointment": [
            appointment(
                "a1",
                "booked",
                participant=[
                    {"actor": P1, "status": "accepted"},
                    {"actor": location("NORTH CLINIC"), "status": "accepted"},
                ],
            ),
            appointment(
                "a2",
                "booked",
                participant=[
                    {"actor": P1, "status": "accepted"},
                    {"actor": location("South Clinic"), "status": "accepted"},
                ],
            ),
        ],
        "Encounter": [
            encounter("e1", location=[{"location": location("Annex", "north clinic")}]),
            encounter("e2", location=[{"location": location("Nowhere")}]),
            encounter("e3", appointment=[{"reference": "Appointment/a1"}]),
        ],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    sites = {v.external_id: v.site_id for v in Visit.objects.all()}
    assert sites == {
        "Appointment/a1": north.pk,  # its encounter names no location: the booked site stays
        "Appointment/a2": None,  # another practice's site is no site of this one
        "Encounter/e1": north.pk,  # by the identifier's value
        "Encounter/e2": None,  # unknown: no site, not a refusal
    }
    assert result.counts["refused"] == {}


def test_a_completed_well_child_encounter_completes_its_preventive_visit(practice_a, tmp_path):
    # Born 2024-01-10: an encounter on 2026-05-02 is in the 30-month visit's window.
    sick = {"type": [{"coding": [{"code": "FOLLOWUP"}]}]}
    well = {"type": [{"coding": [{"system": "http://snomed.info/sct", "code": "410620009"}]}]}
    files = {
        "Patient": [patient()],
        "Appointment": [appointment("a1", "booked")],  # booked, not yet seen: nothing done
        "Encounter": [encounter("e1", **well), encounter("e2", **sick)],
    }
    export = write_export(tmp_path / "e", files)
    run_import(practice_a, export)
    done = list(RowCompletion.objects.filter(row=VISIT_ROW).values_list("visit_key", "source_id"))
    visit = Visit.objects.get(external_id="Encounter/e1")
    assert len(done) == 1 and done[0][1] == visit.pk
    visit_key = done[0][0]
    # The encounter withdrawn (entered in error): the row goes with it.
    files["Encounter"] = [
        encounter("e1", status="entered-in-error", **well),
        encounter("e2", **sick),
    ]
    run_import(practice_a, write_export(tmp_path / "e2", files))
    assert not RowCompletion.objects.filter(row=VISIT_ROW, visit_key=visit_key).exists()


def test_gestational_age_at_birth_is_the_childs_and_audited(practice_a, tmp_path):
    from medhome.audit.models import AuditEvent
    from medhome.families.models import Child

    from .support import observation

    files = {
        "Patient": [patient()],
        "Observation": [observation("ga", "76516-4", 33.5, "wk")],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    child = Child.objects.get()
    assert (child.gestational_age_weeks, child.gestational_age_days) == (33, 4)
    assert result.counts["refused"] == {}
    audited = AuditEvent.objects.filter(object_type="child", object_id=str(child.pk))
    assert any("gestational_age_weeks" in e.detail.get("fields", []) for e in audited)
    # In days, then out of range: the line refused with its reason, the age kept.
    files["Observation"] = [observation("ga", "76516-4", 250, "d")]
    run_import(practice_a, write_export(tmp_path / "e2", files))
    child.refresh_from_db()
    assert (child.gestational_age_weeks, child.gestational_age_days) == (35, 5)
    files["Observation"] = [observation("ga", "76516-4", 21, "wk")]
    result = run_import(practice_a, write_export(tmp_path / "e3", files))
    assert result.counts["refused"] == {"gestational_age_out_of_range": 1}
    child.refresh_from_db()
    assert (child.gestational_age_weeks, child.gestational_age_days) == (35, 5)


def related(rid: str, pid: str, caregiver: str) -> dict:
    return {
        "resourceType": "RelatedPerson",
        "id": rid,
        "identifier": [{"system": "urn:test:caregiver", "value": caregiver}],
        "patient": {"reference": f"Patient/{pid}"},
        "relationship": [{"coding": [{"code": "MTH"}]}],
        "name": [{"family": "Testfamily", "given": ["Grown"]}],
    }


def test_siblings_sharing_a_caregiver_are_one_family_households_are_never_merged(
    practice_a, tmp_path
):
    from medhome.audit.models import AuditEvent
    from medhome.families.models import Caregiver, Child, Family

    files = {
        "Patient": [patient("p1"), patient("p2"), patient("p3")],
        "RelatedPerson": [
            related("r1", "p1", "mom"),
            related("r2", "p2", "mom"),  # p2's family is only p2: p2 joins p1's
            related("r3", "p3", "aunt"),
            related("r4", "p3", "mom"),  # p3's household has its own caregiver: kept apart
        ],
    }
    run_import(practice_a, write_export(tmp_path / "e", files))
    family = {c.mrn: c.family_id for c in Child.objects.all()}
    assert family["MRN-p1"] == family["MRN-p2"] != family["MRN-p3"]
    # The household p2's own record made is gone, not left empty.
    assert set(Family.objects.values_list("pk", flat=True)) == set(family.values())
    mom = Caregiver.objects.get(identifiers__value="mom")
    assert mom.family_id == family["MRN-p1"]
    p2 = Child.objects.get(mrn="MRN-p2")
    assert (
        AuditEvent.objects.filter(object_type="child", object_id=str(p2.pk))
        .filter(detail__from_family__isnull=False)
        .exists()
    )
    # Re-sent: nothing moves again.
    run_import(practice_a, write_export(tmp_path / "e2", files))
    assert {c.mrn: c.family_id for c in Child.objects.all()} == family


def test_medhomes_own_export_keeps_siblings_in_one_household(practice_a, tmp_path):
    """medhome sends one RelatedPerson per caregiver (for the household's first child) and names
    the other children in its extension: they join the caregiver's household too."""
    from medhome.ehr.fhir_in.related_person import ALSO_CAREGIVER_OF
    from medhome.families.models import Child, Family

    mom = related("r1", "p1", "mom")
    mom["extension"] = [
        {"url": ALSO_CAREGIVER_OF, "valueReference": {"reference": "Patient/p2"}},
        {"url": ALSO_CAREGIVER_OF, "valueReference": {"reference": "Patient/nobody"}},
    ]
    aunt = related("r3", "p3", "aunt")
    aunt["extension"] = [{"url": ALSO_CAREGIVER_OF, "valueReference": {"reference": "Patient/p4"}}]
    files = {
        "Patient": [patient("p1"), patient("p2"), patient("p3"), patient("p4")],
        "RelatedPerson": [
            mom,
            aunt,
            related("r4", "p4", "dad"),  # p4's household has its own caregiver: kept apart
        ],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    assert result.run.counts["refused"] == {}
    assert result.run.counts["imported"] == 7  # four children, three caregivers
    family = {c.mrn: c.family_id for c in Child.objects.all()}
    assert family["MRN-p1"] == family["MRN-p2"]
    assert len({family["MRN-p1"], family["MRN-p3"], family["MRN-p4"]}) == 3
    assert set(Family.objects.values_list("pk", flat=True)) == set(family.values())
    again = run_import(practice_a, write_export(tmp_path / "e2", files))
    assert again.run.counts["unchanged"] == 7
    assert {c.mrn: c.family_id for c in Child.objects.all()} == family
