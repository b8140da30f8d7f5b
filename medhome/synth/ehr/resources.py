"""FHIR R4 resources (as plain dicts, ready for orjson) for one synthetic child and its family.

Shapes follow US Core where it is easy (MRN identifier typed MR, race/ethnicity/birth-sex
extensions, vital-signs category, problem-list category); every reference to the child is
`Patient/<id>`. Ids are the child's key plus a tag, so the same seed gives the same files.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from medhome.families.models import Caregiver, Child
from medhome.families.vocabulary import RaceEthnicity, omb_1997_codes

from . import codes as C
from .clinical import AllergyFact, Dose, Measure, MedicationFact, ProblemFact, Screen
from .visits import WELL

Resource = dict[str, Any]
RACE_DISPLAY = {
    "1002-5": "American Indian or Alaska Native",
    "2028-9": "Asian",
    "2054-5": "Black or African American",
    "2076-8": "Native Hawaiian or Other Pacific Islander",
    "2106-3": "White",
    "2135-2": "Hispanic or Latino",
    "2186-5": "Not Hispanic or Latino",
    "ASKU": "Asked but no answer",
    "UNK": "Unknown",
}
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
GENDER = {"male": "male", "female": "female", "unknown": "unknown"}
BIRTH_SEX = {"male": "M", "female": "F", "unknown": "UNK"}
WELL_CHILD = C.Code(C.SNOMED, "410620009", "Well child visit")
SICK_VISIT = C.Code(C.SNOMED, "185345009", "Encounter for symptom")
APPOINTMENT_REASON = "http://terminology.hl7.org/CodeSystem/v2-0276"
GESTATIONAL_AGE = C.Code(C.LOINC, "76516-4", "Gestational age at birth")
CATEGORY = {
    "vital-signs": [{"coding": [{"system": C.OBSERVATION_CATEGORY, "code": "vital-signs"}]}],
    "laboratory": [{"coding": [{"system": C.OBSERVATION_CATEGORY, "code": "laboratory"}]}],
    "exam": [{"coding": [{"system": C.OBSERVATION_CATEGORY, "code": "exam"}]}],
}
LAB_CODES = frozenset({C.LEAD.code, C.HEMOGLOBIN.code})
PROBLEM_CATEGORY = [{"coding": [{"system": C.CONDITION_CATEGORY, "code": "problem-list-item"}]}]


# The last child's id in its two spellings: a child's resources are made one after another,
# and formatting its UUID for each of ~100 resources was a tenth of the export's time.
_LAST: list[Any] = [None, "", ""]


def _keys(child: Child) -> list[Any]:
    if _LAST[0] is not child:
        _LAST[:] = [child, str(child.pk), child.pk.hex]
    return _LAST


def patient_id(child: Child) -> str:
    return _keys(child)[1]


def reference(child: Child) -> dict[str, str]:
    return {"reference": f"Patient/{_keys(child)[1]}"}


def record_id(child: Child, tag: str) -> str:
    return f"{_keys(child)[2]}-{tag}"


def _identified(resource_type: str, rid: str, system: str = C.RECORD_SYSTEM) -> Resource:
    return {
        "resourceType": resource_type,
        "id": rid,
        "identifier": [{"system": system, "value": rid}],
    }


def _concept(*codes: C.Code, text: str = "") -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [code.coding() for code in codes]}
    if text:
        concept["text"] = text
    return concept


def _coding(system: str, code: str) -> dict[str, str]:
    display = RACE_DISPLAY.get(code, "")
    coding = {"system": NULL_FLAVOR if code in ("ASKU", "UNK") else system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _race_extensions(child: Child) -> list[dict[str, Any]]:
    races, ethnicity = omb_1997_codes(list(child.race_ethnicity))
    labels = [
        str(RaceEthnicity(c).label) for c in child.race_ethnicity if c in RaceEthnicity.values
    ]
    text = ", ".join(labels) or RACE_DISPLAY[races[0]]
    race = [{"url": "ombCategory", "valueCoding": _coding(C.CDC_RACE, code)} for code in races]
    return [
        {"url": C.US_CORE_RACE, "extension": [*race, {"url": "text", "valueString": text}]},
        {
            "url": C.US_CORE_ETHNICITY,
            "extension": [
                {"url": "ombCategory", "valueCoding": _coding(C.CDC_RACE, ethnicity)},
                {"url": "text", "valueString": RACE_DISPLAY[ethnicity]},
            ],
        },
        {"url": C.US_CORE_BIRTHSEX, "valueCode": BIRTH_SEX[child.sex_at_birth]},
    ]


def _language(code: str) -> dict[str, Any]:
    return {"language": {"coding": [{"system": C.LANGUAGE, "code": code}]}, "preferred": True}


def patient(child: Child, clinician: tuple[str, str] | None) -> Resource:
    name: list[dict[str, Any]] = [
        {"use": "official", "family": child.legal_family_name, "given": [child.legal_given_name]}
    ]
    if child.preferred_name:
        name.append({"use": "usual", "given": [child.preferred_name]})
    line = [child.address_line1] + ([child.address_line2] if child.address_line2 else [])
    resource: Resource = {
        "resourceType": "Patient",
        "id": patient_id(child),
        "extension": _race_extensions(child),
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [{"system": C.V2_0203, "code": "MR"}]},
                "system": C.MRN_SYSTEM,
                "value": child.mrn,
            }
        ],
        "active": True,
        "name": name,
        "gender": GENDER[child.sex_at_birth],
        "birthDate": child.date_of_birth.isoformat(),
        "address": [
            {
                "use": "home",
                "line": line,
                "city": child.city,
                "state": child.state,
                "postalCode": child.zip_code,
                "country": "US",
            }
        ],
        "communication": [_language(child.preferred_language)],
    }
    if clinician is not None:
        resource["generalPractitioner"] = [_staff(clinician)]
    return resource


def _staff(clinician: tuple[str, str]) -> dict[str, Any]:
    login, display = clinician
    return {
        "type": "Practitioner",
        "identifier": {"system": C.STAFF_SYSTEM, "value": login},
        "display": display,
    }


def _location(site: tuple[str, str]) -> dict[str, Any]:
    key, display = site
    return {
        "type": "Location",
        "identifier": {"system": C.LOCATION_SYSTEM, "value": key},
        "display": display,
    }


def related_person(caregiver: Caregiver, child: Child) -> Resource:
    relationship = [
        _concept(
            C.RELATIONSHIPS[caregiver.relationship],
            *([C.BIRTH_MOTHER] if caregiver.is_birth_parent else []),
            text=C.RELATIONSHIP_TEXT[caregiver.relationship],
        )
    ]
    if caregiver.is_legal_guardian and caregiver.relationship != "guardian":
        relationship.append(_concept(C.LEGAL_GUARDIAN))
    telecom = []
    if caregiver.phone:
        telecom.append({"system": "phone", "value": str(caregiver.phone), "use": "mobile"})
    if caregiver.email:
        telecom.append({"system": "email", "value": caregiver.email, "use": "home"})
    resource: Resource = {
        "resourceType": "RelatedPerson",
        "id": f"{caregiver.pk.hex}-{child.pk.hex[:12]}",
        "identifier": [{"system": C.CAREGIVER_SYSTEM, "value": caregiver.pk.hex}],
        "active": True,
        "patient": reference(child),
        "relationship": relationship,
        "name": [{"family": caregiver.family_name, "given": [caregiver.given_name]}],
        "communication": [_language(caregiver.preferred_language)],
    }
    if telecom:
        resource["telecom"] = telecom
    return resource


def coverage(child: Child) -> Resource | None:
    """The child's insurance; None when uninsured (an EHR sends no Coverage then)."""
    if child.payer not in C.COVERAGE_TYPES:
        return None
    kind, payer_name = C.COVERAGE_TYPES[child.payer]
    label = {"medicaid": "Medicaid", "chip": "CHIP", "commercial": "Commercial"}.get(
        child.payer, "Other"
    )
    rid = record_id(child, "cov")
    resource = _identified("Coverage", rid, C.COVERAGE_SYSTEM)
    resource.update(
        status="active",
        type=_concept(kind, text=label),
        beneficiary=reference(child),
        relationship={"coding": [{"system": C.SUBSCRIBER_RELATIONSHIP, "code": "child"}]},
        period={"start": child.date_of_birth.isoformat()},
        payor=[
            {"identifier": {"system": C.PAYER_SYSTEM, "value": child.payer}, "display": payer_name}
        ],
    )
    if child.payer_member_id:
        resource["subscriberId"] = child.payer_member_id
    return resource


def _visit_type(kind: str) -> tuple[C.Code, str]:
    return (WELL_CHILD, "CHECKUP") if kind == WELL else (SICK_VISIT, "WALKIN")


def encounter(
    child: Child,
    *,
    number: int,
    kind: str,
    start: datetime,
    video: bool,
    clinician: tuple[str, str] | None,
    site: tuple[str, str] | None,
) -> Resource:
    code, _reason = _visit_type(kind)
    resource = _identified("Encounter", record_id(child, f"enc{number}"), C.ENCOUNTER_SYSTEM)
    resource.update(
        status="finished",
        # R4B: Encounter.class is one Coding (AMB in the office, VR virtual).
        **{"class": {"system": C.ACT_CODE, "code": "VR" if video else "AMB"}},
        type=[_concept(code)],
        subject=reference(child),
        period={
            "start": start.isoformat(),
            "end": (start + timedelta(minutes=20)).isoformat(),
        },
    )
    if clinician is not None:
        resource["participant"] = [{"individual": _staff(clinician)}]
    if site is not None:
        resource["location"] = [{"location": _location(site)}]
    return resource


def appointment(
    child: Child,
    *,
    rid: str,
    kind: str,
    start: datetime,
    minutes: int,
    clinician: tuple[str, str] | None,
    site: tuple[str, str] | None,
) -> Resource:
    code, reason = _visit_type(kind)
    resource = _identified("Appointment", rid, C.APPOINTMENT_SYSTEM)
    participants: list[dict[str, Any]] = [
        {"actor": {**reference(child), "type": "Patient"}, "status": "accepted"}
    ]
    if clinician is not None:
        participants.append({"actor": _staff(clinician), "status": "accepted"})
    if site is not None:
        participants.append({"actor": _location(site), "status": "accepted"})
    resource.update(
        status="booked",
        appointmentType={"coding": [{"system": APPOINTMENT_REASON, "code": reason}]},
        serviceType=[_concept(code)],
        start=start.isoformat(),
        end=(start + timedelta(minutes=minutes)).isoformat(),
        minutesDuration=minutes,
        participant=participants,
    )
    return resource


def immunization(child: Child, dose: Dose, n: int) -> Resource:
    resource = _identified("Immunization", record_id(child, f"imm{n}"))
    resource.update(
        status="completed" if dose.done else "not-done",
        vaccineCode=_concept(C.Code(C.CVX, dose.vaccine.cvx, dose.vaccine.display)),
        patient=reference(child),
        occurrenceDateTime=dose.day.isoformat(),
        primarySource=True,
    )
    if not dose.done:
        resource["statusReason"] = {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "PATOBJ"}
            ]
        }
    return resource


def measurement(child: Child, fact: Measure, n: int) -> Resource:
    resource = _identified("Observation", record_id(child, f"obs{n}"))
    category = "laboratory" if fact.code.code in LAB_CODES else "vital-signs"
    resource.update(
        status="final",
        category=CATEGORY[category],
        code=_concept(fact.code),
        subject=reference(child),
        effectiveDateTime=fact.day.isoformat(),
        valueQuantity={"value": fact.value, "unit": fact.unit, "system": C.UCUM, "code": fact.unit},
    )
    return resource


def screen(child: Child, fact: Screen, n: int) -> Resource:
    resource = _identified("Observation", record_id(child, f"scr{n}"))
    result = C.REFER if fact.refer else C.PASS
    resource.update(
        status="final",
        category=CATEGORY["exam"],
        code=_concept(fact.code),
        subject=reference(child),
        effectiveDateTime=fact.day.isoformat(),
        valueCodeableConcept={"text": "Refer" if fact.refer else "Pass"},
        interpretation=[_concept(result)],
    )
    return resource


def gestational_age(child: Child) -> Resource | None:
    if not child.gestational_age_weeks:
        return None
    days = child.gestational_age_weeks * 7 + (child.gestational_age_days or 0)
    resource = _identified("Observation", record_id(child, "ga"))
    resource.update(
        status="final",
        category=CATEGORY["exam"],
        code=_concept(GESTATIONAL_AGE),
        subject=reference(child),
        effectiveDateTime=child.date_of_birth.isoformat(),
        valueQuantity={"value": days, "unit": "d", "system": C.UCUM, "code": "d"},
    )
    return resource


def varnish(child: Child, day: date, n: int) -> Resource:
    resource = _identified("Procedure", record_id(child, f"fv{n}"))
    resource.update(
        status="completed",
        code=_concept(C.FLUORIDE_VARNISH, C.FLUORIDE_VARNISH_CPT),
        subject=reference(child),
        performedDateTime=day.isoformat(),
    )
    return resource


def condition(child: Child, fact: ProblemFact, n: int) -> Resource:
    resource = _identified("Condition", record_id(child, f"cond{n}"))
    status = "resolved" if fact.resolved else "active"
    resource.update(
        clinicalStatus={"coding": [{"system": C.CONDITION_CLINICAL, "code": status}]},
        verificationStatus={"coding": [{"system": C.CONDITION_VERIFICATION, "code": "confirmed"}]},
        category=PROBLEM_CATEGORY,
        code=_concept(fact.problem.snomed, fact.problem.icd10, text=fact.problem.snomed.display),
        subject=reference(child),
        onsetDateTime=fact.onset.isoformat(),
        recordedDate=fact.onset.isoformat(),
    )
    if fact.resolved:
        resource["abatementDateTime"] = (fact.onset + timedelta(days=14)).isoformat()
    return resource


def allergy(child: Child, fact: AllergyFact, n: int) -> Resource:
    resource = _identified("AllergyIntolerance", record_id(child, f"alg{n}"))
    resource.update(
        clinicalStatus={"coding": [{"system": C.ALLERGY_CLINICAL, "code": "active"}]},
        verificationStatus={"coding": [{"system": C.ALLERGY_VERIFICATION, "code": "confirmed"}]},
        patient=reference(child),
        recordedDate=fact.recorded.isoformat(),
    )
    if fact.substance is None:
        resource["code"] = _concept(C.NO_KNOWN_ALLERGY)
        return resource
    medication = fact.substance.code == "372687004"
    resource.update(
        type="allergy",
        category=["medication" if medication else "food"],
        criticality=fact.criticality,
        code=_concept(fact.substance),
    )
    return resource


def medication_statement(child: Child, fact: MedicationFact, n: int) -> Resource:
    resource = _identified("MedicationStatement", record_id(child, f"med{n}"))
    resource.update(
        status="active",
        medicationCodeableConcept=_concept(fact.code, text=fact.code.display),
        subject=reference(child),
        effectivePeriod={"start": fact.started.isoformat()},
        dosage=[{"text": fact.dosage}],
    )
    return resource


def at(day: date, moment: time, tz: Any) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)
