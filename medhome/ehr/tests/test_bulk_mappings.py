"""Each resource type lands where it belongs, in medhome's words and units."""

from decimal import Decimal

import pytest

from medhome.audit.models import AuditEvent
from medhome.ehr.fhir_in.common import PATIENT_ID_SYSTEM, content_hash, source_key
from medhome.ehr.models import (
    Allergy,
    Condition,
    Coverage,
    Immunization,
    Medication,
    Observation,
    Procedure,
)
from medhome.families.models import Caregiver, Child, ChildIdentifier, PanelMembership
from medhome.visits.models import Visit

from .support import AT, observation, patient, run_import, write_export

pytestmark = pytest.mark.django_db
P1 = {"reference": "Patient/p1"}
ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"


def only(model):
    rows = list(model.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_patient_becomes_a_child_on_the_panel_with_its_identifiers(practice_a, tmp_path):
    extra = {
        "communication": [{"language": {"coding": [{"code": "es-US"}]}, "preferred": True}],
        "extension": [
            {
                "url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
                "extension": [{"url": "ombCategory", "valueCoding": {"code": "2135-2"}}],
            }
        ],
    }
    run_import(practice_a, write_export(tmp_path / "e", {"Patient": [patient(**extra)]}))
    child = only(Child)
    assert (child.legal_given_name, child.legal_family_name, child.mrn) == (
        "Kid",
        "Testfamily",
        "MRN-p1",
    )
    assert (str(child.date_of_birth), child.sex_at_birth, child.zip_code) == (
        "2024-01-10",
        "female",
        "02118",
    )
    assert (child.preferred_language, child.race_ethnicity) == ("es", ["hispanic"])
    assert set(ChildIdentifier.objects.values_list("system", "value")) == {
        (PATIENT_ID_SYSTEM, "p1"),
        ("urn:test:mrn", "MRN-p1"),
    }
    assert PanelMembership.objects.filter(child=child, ends_on=None).exists()


@pytest.mark.parametrize(
    ("code", "relationship"),
    [("MTH", "mother"), ("FTH", "father"), ("PRN", "parent"), ("GRMTH", "grandmother")],
)
def test_related_person_joins_the_childs_family(practice_a, tmp_path, code, relationship):
    related = {
        "resourceType": "RelatedPerson",
        "id": "rp1",
        "patient": P1,
        "relationship": [{"coding": [{"system": ROLE, "code": code}]}],
        "name": [{"family": "Testfamily", "given": ["Grown"]}],
        "telecom": [{"system": "phone", "value": "+16175550100"}],
    }
    export = write_export(tmp_path / "e", {"Patient": [patient()], "RelatedPerson": [related]})
    run_import(practice_a, export)
    caregiver = only(Caregiver)
    assert caregiver.family_id == only(Child).family_id
    assert (caregiver.relationship, caregiver.preferred_channel) == (relationship, "phone")
    assert caregiver.identifiers.filter(value="rp1").exists()


@pytest.mark.parametrize(
    ("type_code", "payer"), [("2", "medicaid"), ("23", "chip"), ("5", "commercial")]
)
def test_coverage_sets_the_childs_payer(practice_a, tmp_path, type_code, payer):
    coverage = {
        "resourceType": "Coverage",
        "id": "c1",
        "status": "active",
        "beneficiary": P1,
        "type": {"coding": [{"system": "urn:oid:2.16.840.1.113883.3.221.5", "code": type_code}]},
        "payor": [{"display": "A plan"}],
        "subscriberId": "M123",
    }
    run_import(
        practice_a, write_export(tmp_path / "e", {"Patient": [patient()], "Coverage": [coverage]})
    )
    row = only(Coverage)
    assert (row.payer, row.member_id, row.active) == (payer, "M123", True)
    child = only(Child)
    assert (child.payer, child.payer_member_id) == (payer, "M123")


def appointment(aid: str, status: str, **overrides):
    resource = {
        "resourceType": "Appointment",
        "id": aid,
        "status": status,
        "appointmentType": {"coding": [{"code": "ROUTINE"}]},
        "start": "2026-05-01T14:00:00Z",
        "end": "2026-05-01T14:30:00Z",
        "participant": [{"actor": P1, "status": "accepted"}],
    }
    return resource | overrides


def encounter(eid: str, **overrides):
    resource = {
        "resourceType": "Encounter",
        "id": eid,
        "status": "finished",
        "class": {"code": "AMB"},
        "subject": P1,
        "period": {"start": "2026-05-02T15:00:00Z"},
    }
    return resource | overrides


@pytest.mark.parametrize(
    ("status", "visit_status"),
    [
        ("booked", "scheduled"),
        ("checked-in", "arrived"),
        ("fulfilled", "completed"),
        ("cancelled", "cancelled"),
        ("noshow", "no_show"),
    ],
)
def test_appointment_becomes_a_visit(practice_a, tmp_path, status, visit_status):
    export = write_export(
        tmp_path / "e", {"Patient": [patient()], "Appointment": [appointment("a1", status)]}
    )
    run_import(practice_a, export)
    visit = only(Visit)
    assert (visit.status, visit.kind, visit.duration_minutes) == (visit_status, "well_child", 30)
    assert visit.external_id == "Appointment/a1"


def test_a_restricted_appointment_is_a_confidential_visit_and_stays_one(practice_a, tmp_path):
    label = {
        "security": [
            {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}
        ]
    }
    restricted = appointment("a1", "booked") | {"meta": label}
    run_import(
        practice_a,
        write_export(tmp_path / "e", {"Patient": [patient()], "Appointment": [restricted]}),
    )
    assert only(Visit).confidential is True
    # A later export without the label does not undo it (staff may have marked it too).
    run_import(
        practice_a,
        write_export(
            tmp_path / "f",
            {"Patient": [patient()], "Appointment": [appointment("a1", "checked-in")]},
        ),
    )
    assert (only(Visit).confidential, only(Visit).status) == (True, "arrived")


def test_a_normal_appointment_is_not_confidential(practice_a, tmp_path):
    export = write_export(
        tmp_path / "e", {"Patient": [patient()], "Appointment": [appointment("a1", "booked")]}
    )
    run_import(practice_a, export)
    assert only(Visit).confidential is False


def test_encounter_completes_its_appointment_and_others_are_visits_of_their_own(
    practice_a, tmp_path
):
    sick = {"type": [{"text": "Ear pain"}]}
    files = {
        "Patient": [patient()],
        "Appointment": [appointment("a1", "booked")],
        "Encounter": [
            encounter("e1", appointment=[{"reference": "Appointment/a1"}]),
            encounter("e2", **sick),
            encounter("e3", **{"class": {"code": "IMP"}}),  # a hospital stay: not ours
        ],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    visits = {v.external_id: (v.status, v.kind) for v in Visit.objects.all()}
    assert visits == {
        "Appointment/a1": ("completed", "well_child"),
        "Encounter/e2": ("completed", "sick"),
    }
    assert result.counts["skipped"] == {"not_an_office_visit": 1}


def test_observations_are_converted_to_medhomes_units(practice_a, tmp_path):
    bp = observation("bp", "85354-9", 0, "mm[Hg]")
    del bp["valueQuantity"]
    bp["component"] = [
        {
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "valueQuantity": {"value": value, "code": "mm[Hg]"},
        }
        for code, value in (("8480-6", 98), ("8462-4", 61))
    ]
    hearing = observation("h", "54109-4", 0, "")
    del hearing["valueQuantity"]
    hearing["valueCodeableConcept"] = {"text": "Pass"}
    files = {
        "Patient": [patient()],
        "Observation": [
            observation("w", "29463-7", 22, "[lb_av]"),
            observation("g", "29463-7", 3500, "g"),
            observation("l", "8306-3", 30, "[in_i]"),
            observation("hc", "9843-4", 450, "mm"),
            observation("bmi", "39156-5", 16.2, "kg/m2"),
            observation("pb", "5671-3", 3.1, "ug/dL"),
            observation("hb", "718-7", 115, "g/L"),
            bp,
            hearing,
        ],
    }
    run_import(practice_a, write_export(tmp_path / "e", files))
    rows = {
        o.source_key: (o.kind, o.value, o.unit, o.interpretation) for o in Observation.objects.all()
    }
    assert rows == {
        "Observation/w": ("weight", Decimal("9.979"), "kg", ""),
        "Observation/g": ("weight", Decimal("3.500"), "kg", ""),
        "Observation/l": ("length", Decimal("76.200"), "cm", ""),
        "Observation/hc": ("head_circumference", Decimal("45.000"), "cm", ""),
        "Observation/bmi": ("bmi", Decimal("16.200"), "kg/m2", ""),
        "Observation/pb": ("lead", Decimal("3.100"), "ug/dL", ""),
        "Observation/hb": ("hemoglobin", Decimal("11.500"), "g/dL", ""),
        "Observation/bp#bp_systolic": ("bp_systolic", Decimal("98.000"), "mm[Hg]", ""),
        "Observation/bp#bp_diastolic": ("bp_diastolic", Decimal("61.000"), "mm[Hg]", ""),
        "Observation/h": ("hearing", None, "", "pass"),
    }


def test_clinical_record_types(practice_a, tmp_path):
    files = {
        "Patient": [patient()],
        "Immunization": [
            {
                "resourceType": "Immunization",
                "id": "i1",
                "status": "completed",
                "vaccineCode": {
                    "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "08"}]
                },
                "patient": P1,
                "occurrenceDateTime": "2024-01-11",
            }
        ],
        "Procedure": [
            {
                "resourceType": "Procedure",
                "id": "f1",
                "status": "completed",
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "234723000"}]},
                "subject": P1,
                "performedDateTime": "2026-05-01",
            }
        ],
        "Condition": [
            {
                "resourceType": "Condition",
                "id": "c1",
                "clinicalStatus": {"coding": [{"code": "resolved"}]},
                "code": {"text": "Otitis media"},
                "subject": P1,
                "onsetDateTime": "2025-02-01",
            }
        ],
        "AllergyIntolerance": [
            {
                "resourceType": "AllergyIntolerance",
                "id": "n1",
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "716186003"}]},
                "patient": P1,
            },
            {
                "resourceType": "AllergyIntolerance",
                "id": "al2",
                "code": {"coding": [{"system": "http://snomed.info/sct", "code": "91935009"}]},
                "criticality": "high",
                "patient": P1,
            },
        ],
        "MedicationStatement": [
            {
                "resourceType": "MedicationStatement",
                "id": "m1",
                "status": "active",
                "medicationCodeableConcept": {"text": "Amoxicillin"},
                "subject": P1,
                "dosage": [{"text": "5 mL twice a day"}],
            }
        ],
    }
    run_import(practice_a, write_export(tmp_path / "e", files))
    immunization = only(Immunization)
    assert (immunization.cvx, str(immunization.given_on)) == ("08", "2024-01-11")
    procedure = only(Procedure)
    assert (procedure.code, str(procedure.performed_on)) == ("234723000", "2026-05-01")
    condition = only(Condition)
    assert (condition.display, condition.clinical_status) == ("Otitis media", "resolved")
    allergies = {a.source_key: (a.no_known_allergy, a.criticality) for a in Allergy.objects.all()}
    assert allergies == {
        "AllergyIntolerance/n1": (True, ""),
        "AllergyIntolerance/al2": (False, "high"),
    }
    medication = only(Medication)
    assert (medication.display, medication.dosage) == ("Amoxicillin", "5 mL twice a day")


def test_withdrawn_record_goes(practice_a, tmp_path):
    first = observation("w", "29463-7", 10, "kg")
    run_import(
        practice_a, write_export(tmp_path / "e1", {"Patient": [patient()], "Observation": [first]})
    )
    withdrawn = first | {"status": "entered-in-error"}
    result = run_import(practice_a, write_export(tmp_path / "e2", {"Observation": [withdrawn]}))
    assert result.counts["withdrawn"] == 1
    assert not Observation.objects.exists()


US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"


def _condition(cid: str, *categories: tuple[str, str], text: str) -> dict:
    return {
        "resourceType": "Condition",
        "id": cid,
        "category": [{"coding": [{"system": s, "code": c}]} for s, c in categories],
        "code": {"text": text},
        "subject": P1,
    }


def test_a_health_concern_is_counted_and_not_a_problem(practice_a, tmp_path):
    files = {
        "Patient": [patient()],
        "Condition": [
            _condition("hc", (US_CORE_CATEGORY, "health-concern"), text="Food insecurity"),
            _condition(
                "both",
                (US_CORE_CATEGORY, "health-concern"),
                (CATEGORY, "problem-list-item"),
                text="Asthma",
            ),
            _condition("dx", (CATEGORY, "encounter-diagnosis"), text="Otitis media"),
        ],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    assert sorted(Condition.objects.values_list("display", flat=True)) == [
        "Asthma",
        "Otitis media",
    ]
    assert result.counts["skipped"] == {"health_concern": 1}
    assert result.counts["refused"] == {}


def test_a_health_concern_an_earlier_import_kept_as_a_problem_is_withdrawn(practice_a, tmp_path):
    """Before medhome skipped health concerns, an import kept one as a problem; the same line,
    unchanged since, now takes that row away (and its removal is audited)."""
    concern = _condition("hc", (US_CORE_CATEGORY, "health-concern"), text="Food insecurity")
    files = {"Patient": [patient()], "Condition": [concern]}
    run_import(practice_a, write_export(tmp_path / "e1", files))
    child = Child.objects.get(practice=practice_a)
    kept = Condition.objects.create(  # as the earlier import wrote it
        practice=practice_a,
        child=child,
        source_key=source_key(concern),
        content_hash=content_hash(concern),
        imported_at=AT,
        display="Food insecurity",
        clinical_status="active",
    )
    result = run_import(practice_a, write_export(tmp_path / "e2", files))
    assert not Condition.objects.exists()
    assert (result.counts["withdrawn"], result.counts["skipped"]) == (1, {"health_concern": 1})
    event = AuditEvent.objects.filter(object_type="child", object_id=str(child.pk)).latest(
        "sequence"
    )
    assert event.detail["removed"] == [str(kept.pk)]
    again = run_import(practice_a, write_export(tmp_path / "e3", files))
    assert (again.counts["withdrawn"], again.counts["skipped"]) == (0, {"health_concern": 1})


def test_a_survey_medhome_does_not_read_is_counted_an_unknown_exam_refused(practice_a, tmp_path):
    def coded(oid: str, category: str) -> dict:
        return observation(oid, "88124-3", 1, "{score}") | {
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": category,
                        }
                    ]
                }
            ]
        }

    files = {"Patient": [patient()], "Observation": [coded("s", "survey"), coded("x", "exam")]}
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    assert result.counts["skipped"] == {"survey": 1}
    assert result.counts["refused"] == {"unknown_code": 1}
    assert not Observation.objects.exists()
