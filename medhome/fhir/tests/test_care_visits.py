"""Encounter, Appointment and Condition: every mapping valid R4B, every status at every value,
each search parameter matching and not matching, another practice's rows never, partners none,
a page in a fixed number of queries."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.condition import Condition as FhirCondition
from fhir.resources.R4B.encounter import Encounter

from medhome.accounts.roles import Capability, Role
from medhome.ehr.fhir_in.common import PatientRef
from medhome.ehr.fhir_in.visits import appointment_visit, encounter_visit
from medhome.ehr.models import Condition
from medhome.fhir.errors import BadRequest
from medhome.practices.models import Membership, Site
from medhome.visits.models import Visit
from tests import factories

from .care_support import ids, one, page, partner, search, staff, system

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(-300))


def _visit(child, n: int, **values):
    defaults = {
        "practice": child.practice,
        "child": child,
        "starts_at": START + timedelta(days=n),
        "kind": "sick",
        "status": "completed",
        "created_at": START - timedelta(days=30),
    }
    return Visit.objects.create(**{**defaults, **values})


@pytest.fixture
def visits(child_a, child_b, clinician_a, practice_a):
    site = Site.objects.create(practice=practice_a, name="Main Street")
    return {
        "well": _visit(
            child_a,
            0,
            kind="well_child",
            site=site,
            clinician=clinician_a,
            external_id="http://ehr.example/encounter|E-1",
            updated_at=START,
        ),
        "video": _visit(child_a, 1, kind="follow_up", modality="video", status="arrived"),
        "audio": _visit(child_a, 2, modality="audio", confidential=True),
        "group": _visit(child_a, 3, kind="group"),
        "booked": _visit(child_a, 20, status="scheduled"),
        "cancelled": _visit(child_a, 21, status="cancelled", cancel_reason="family_asked"),
        "missed": _visit(child_a, 22, status="no_show"),
        "other": _visit(child_b, 0, kind="well_child"),
    }


def test_encounters_are_the_visits_that_took_place_and_valid(visits, clinician_a, practice_a):
    principal = staff(clinician_a, practice_a)
    resources, queries = page("Encounter", principal)
    assert queries == 1  # select_related and the Practitioner id annotation: one query a page
    for resource in resources:
        Encounter.model_validate(resource)
    by_id = {r["id"]: r for r in resources}
    assert set(by_id) == {str(visits[k].pk) for k in ("well", "video", "audio", "group")}
    well = by_id[str(visits["well"].pk)]
    membership = Membership.objects.get(user=clinician_a, practice=practice_a)
    assert well["status"] == "finished"
    assert well["class"]["code"] == "AMB"
    assert well["identifier"] == [{"system": "http://ehr.example/encounter", "value": "E-1"}]
    assert well["type"][0]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "410620009",
        "display": "Well child visit",
    }
    assert well["participant"][0]["individual"]["reference"] == f"Practitioner/{membership.pk}"
    assert well["location"][0]["location"]["reference"] == f"Location/{visits['well'].site_id}"
    assert well["serviceProvider"] == {"reference": f"Organization/{practice_a.pk}"}
    assert well["appointment"] == [{"reference": f"Appointment/{visits['well'].pk}"}]
    # In the practice's zone (New York, summer time since March 8).
    assert well["period"] == {
        "start": "2026-03-10T10:00:00-04:00",
        "end": "2026-03-10T10:20:00-04:00",
    }
    assert well["meta"]["lastUpdated"] == "2026-03-10T10:00:00-04:00"
    video = by_id[str(visits["video"].pk)]
    assert (video["status"], video["class"]["code"]) == ("arrived", "VR")
    assert "end" not in video["period"]
    assert video["identifier"] == [
        {"system": "urn:medhome:visit", "value": str(visits["video"].pk)}
    ]
    audio = by_id[str(visits["audio"].pk)]
    assert audio["class"]["code"] == "VR"
    assert audio["meta"]["security"][0]["code"] == "R"
    assert [c["system"] for c in audio["type"][0]["coding"]] == ["urn:medhome:visit-kind"]


def test_appointment_status_at_every_value_and_valid(visits, clinician_a, practice_a):
    principal = staff(clinician_a, practice_a)
    resources, _queries = page("Appointment", principal)
    for resource in resources:
        Appointment.model_validate(resource)
    status = {r["id"]: r["status"] for r in resources}
    assert status == {
        str(visits["well"].pk): "fulfilled",
        str(visits["video"].pk): "arrived",
        str(visits["audio"].pk): "fulfilled",
        str(visits["group"].pk): "fulfilled",
        str(visits["booked"].pk): "booked",
        str(visits["cancelled"].pk): "cancelled",
        str(visits["missed"].pk): "noshow",
    }
    cancelled = one("Appointment", principal, visits["cancelled"].pk)
    assert cancelled["cancelationReason"]["coding"][0]["code"] == "family_asked"
    well = one("Appointment", principal, visits["well"].pk)
    assert well["appointmentType"]["coding"][0]["code"] == "CHECKUP"
    assert [p["actor"].get("reference", "").split("/")[0] for p in well["participant"]] == [
        "Patient",
        "Practitioner",
        "Location",
    ]


def test_the_ehr_import_reads_them_back_as_the_same_visit(visits, clinician_a, practice_a, child_a):
    """ehr/fhir_in/visits.py reads what these modules write: kind, status, modality,
    confidentiality, the Location's name and the Appointment the Encounter names."""
    principal = staff(clinician_a, practice_a)
    children = {
        str(child_a.pk): PatientRef(child_id=child_a.pk, date_of_birth=child_a.date_of_birth)
    }
    for key in ("well", "video", "audio", "group", "booked", "cancelled", "missed"):
        visit = visits[key]
        resource = one("Appointment", principal, visit.pk)
        back = appointment_visit(resource, children=children)
        expected_kind = "well_child" if visit.kind == "group" else visit.kind
        assert (back.kind, back.status, back.confidential) == (
            expected_kind,
            visit.status,
            visit.confidential,
        )
        assert back.starts_at == visit.starts_at
        assert back.duration_minutes == visit.duration_minutes
        if visit.status in ("arrived", "completed"):
            encounter = encounter_visit(one("Encounter", principal, visit.pk), children=children)
            assert encounter is not None
            assert (encounter.kind, encounter.status, encounter.modality != "in_person") == (
                expected_kind,
                visit.status,
                visit.modality != "in_person",
            )
            assert encounter.appointment_id == str(visit.pk)
        assert back.site_names == ((visit.site.name,) if visit.site else ())


def test_visit_search_parameters(visits, clinician_a, practice_a, child_a, child_b):
    p = staff(clinician_a, practice_a)
    membership = Membership.objects.get(user=clinician_a, practice=practice_a)
    v = {k: str(visit.pk) for k, visit in visits.items()}
    held = {v["well"], v["video"], v["audio"], v["group"]}
    assert ids("Encounter", p, ("patient", f"Patient/{child_a.pk}")) == held
    assert ids("Encounter", p, ("patient", str(child_b.pk))) == set()
    assert ids("Encounter", p, ("date", "2026-03-10")) == {v["well"]}
    assert ids("Encounter", p, ("date", "ge2026-03-12"), ("date", "lt2026-04")) == {
        v["audio"],
        v["group"],
    }
    assert ids("Encounter", p, ("date", "2025")) == set()
    assert ids("Encounter", p, ("status", "finished")) == held - {v["video"]}
    assert ids("Encounter", p, ("status", "arrived")) == {v["video"]}
    assert ids("Encounter", p, ("status", "planned")) == set()
    assert ids("Encounter", p, ("status:not", "finished")) == {v["video"]}
    assert ids("Encounter", p, ("class", "VR")) == {v["video"], v["audio"]}
    assert ids(
        "Encounter", p, ("class", "http://terminology.hl7.org/CodeSystem/v3-ActCode|AMB")
    ) == {
        v["well"],
        v["group"],
    }
    assert ids("Encounter", p, ("class", "http://other|AMB")) == set()
    assert ids("Encounter", p, ("class", "IMP")) == set()
    assert ids("Encounter", p, ("type", "http://snomed.info/sct|410620009")) == {
        v["well"],
        v["group"],
    }
    assert ids("Encounter", p, ("type", "390906007")) == {v["video"]}
    assert ids("Encounter", p, ("type", "urn:medhome:visit-kind|sick")) == {v["audio"]}
    assert ids("Encounter", p, ("type", "99999")) == set()
    assert ids("Encounter", p, ("identifier", "http://ehr.example/encounter|E-1")) == {v["well"]}
    assert ids("Encounter", p, ("identifier", "E-1")) == {v["well"]}
    assert ids("Encounter", p, ("identifier", "http://other|E-1")) == set()
    assert ids("Encounter", p, ("identifier", f"urn:medhome:visit|{v['video']}")) == {v["video"]}
    assert ids("Encounter", p, ("identifier", f"urn:medhome:visit|{v['well']}")) == set()
    assert ids("Encounter", p, ("practitioner", f"Practitioner/{membership.pk}")) == {v["well"]}
    assert ids("Appointment", p, ("practitioner", str(membership.pk))) == {v["well"]}
    assert ids("Appointment", p, ("status", "cancelled,noshow")) == {v["cancelled"], v["missed"]}
    assert ids("Appointment", p, ("status", "booked")) == {v["booked"]}
    assert ids("Appointment", p, ("status", "proposed")) == set()
    assert ids("Appointment", p, ("date", "ge2026-03-30")) == {
        v["booked"],
        v["cancelled"],
        v["missed"],
    }
    for bad in (("date", "March"), ("date", "ne2026-03-10"), ("patient", "Group/1")):
        with pytest.raises(BadRequest):
            search("Encounter", p, bad)
    with pytest.raises(BadRequest):
        search("Appointment", p, ("practitioner", "Patient/1"))


def test_another_practices_rows_and_ids_are_never_answered(
    visits, clinician_a, clinician_b, practice_a, practice_b, child_b, nurse_of_both
):
    a = staff(clinician_a, practice_a)
    assert str(visits["other"].pk) not in ids("Appointment", a)
    assert ids("Encounter", a, ("patient", str(child_b.pk))) == set()
    assert ids("Encounter", a, ("identifier", f"urn:medhome:visit|{visits['other'].pk}")) == set()
    b = staff(clinician_b, practice_b)
    assert ids("Encounter", b) == {str(visits["other"].pk)}
    # The nurse's membership in B names nothing in A, though the nurse works in both.
    _visit(visits["other"].child, 5, clinician=nurse_of_both)
    in_a = _visit(visits["well"].child, 6, clinician=nurse_of_both)
    b_membership = Membership.objects.get(user=nurse_of_both, practice=practice_b)
    a_membership = Membership.objects.get(user=nurse_of_both, practice=practice_a)
    assert ids("Encounter", a, ("practitioner", str(b_membership.pk))) == set()
    assert ids("Encounter", a, ("practitioner", str(a_membership.pk))) == {str(in_a.pk)}


def test_roles_without_chart_read_and_partners_get_nothing(visits, practice_a, staff_a):
    analyst = staff(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)
    assert ids("Encounter", analyst) == set()
    organization = factories.organization("Eastside Food Pantry")
    assert ids("Appointment", partner(None, organization)) == set()
    backend = system(practice_a, frozenset({Capability.CHART_READ}))
    assert len(ids("Appointment", backend)) == 7
    no_caps = system(practice_a, frozenset())
    assert ids("Appointment", no_caps) == set()


@pytest.fixture
def problems(child_a, child_b):
    now = timezone.now()

    def add(child, key, **values):
        defaults = {
            "practice": child.practice,
            "child": child,
            "source_key": key,
            "content_hash": "x",
            "imported_at": now,
            "code_system": "http://snomed.info/sct",
            "code": "195967001",
            "display": "Asthma",
        }
        return Condition.objects.create(**{**defaults, **values})

    return {
        "asthma": add(child_a, "http://ehr.example/problem|P-1", onset_on=date(2025, 4, 2)),
        "eczema": add(
            child_a,
            "Condition/77",
            code_system="http://hl7.org/fhir/sid/icd-10-cm",
            code="L20.9",
            display="Atopic dermatitis",
            clinical_status="resolved",
        ),
        "text_only": add(child_a, "Condition/78", code_system="", code="", display="Picky eater"),
        "other": add(child_b, "http://ehr.example/problem|P-1"),
    }


@pytest.mark.parametrize(
    "status", ["active", "recurrence", "relapse", "inactive", "remission", "resolved"]
)
def test_condition_every_clinical_status_is_valid(child_a, clinician_a, practice_a, status):
    row = Condition.objects.create(
        practice=practice_a,
        child=child_a,
        source_key=f"Condition/{status}",
        content_hash="x",
        imported_at=timezone.now(),
        code_system="http://snomed.info/sct",
        code="195967001",
        display="Asthma",
        clinical_status=status,
    )
    resource = one("Condition", staff(clinician_a, practice_a), row.pk)
    FhirCondition.model_validate(resource)
    assert resource["clinicalStatus"]["coding"][0]["code"] == status


def test_conditions_are_the_ehr_problem_list(problems, clinician_a, practice_a, child_a):
    p = staff(clinician_a, practice_a)
    resources, queries = page("Condition", p)
    assert queries == 1
    for resource in resources:
        FhirCondition.model_validate(resource)
    by_id = {r["id"]: r for r in resources}
    assert set(by_id) == {str(problems[k].pk) for k in ("asthma", "eczema", "text_only")}
    asthma = by_id[str(problems["asthma"].pk)]
    assert asthma["category"][0]["coding"][0]["code"] == "problem-list-item"
    assert asthma["identifier"] == [{"system": "http://ehr.example/problem", "value": "P-1"}]
    assert asthma["onsetDateTime"] == "2025-04-02"
    assert asthma["subject"] == {"reference": f"Patient/{child_a.pk}"}
    assert "identifier" not in by_id[str(problems["eczema"].pk)]
    assert by_id[str(problems["text_only"].pk)]["code"] == {"text": "Picky eater"}
    c = {k: str(row.pk) for k, row in problems.items()}
    assert ids("Condition", p, ("category", "problem-list-item")) == set(by_id)
    assert ids("Condition", p, ("category", "health-concern")) == set()
    assert ids("Condition", p, ("clinical-status", "resolved")) == {c["eczema"]}
    assert ids("Condition", p, ("clinical-status", "active")) == {c["asthma"], c["text_only"]}
    assert ids("Condition", p, ("code", "http://snomed.info/sct|195967001")) == {c["asthma"]}
    assert ids("Condition", p, ("code", "L20.9")) == {c["eczema"]}
    assert ids("Condition", p, ("code", "http://snomed.info/sct|L20.9")) == set()
    assert ids("Condition", p, ("onset-date", "2025-04")) == {c["asthma"]}
    assert ids("Condition", p, ("onset-date", "lt2025-04-02")) == set()
    assert ids("Condition", p, ("patient", str(problems["other"].child_id))) == set()
    assert c["other"] not in ids("Condition", p)
