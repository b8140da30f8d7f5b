"""FHIR R4 resources → medhome, one small module per resource type; `ehr.bulk` runs them.

ORDER is the order an export is read in: patients first (everything else refers to them), then
their caregivers and coverage, then the visits, then the clinical record."""

from collections.abc import Callable
from typing import Any

from medhome.ehr import models

from .allergy import map_allergy
from .common import Mapped, PatientRef
from .condition import is_health_concern, map_condition
from .coverage import map_coverage
from .immunization import map_immunization
from .medication import map_medication
from .observation import map_observation
from .procedure import map_procedure

Mapper = Callable[..., Mapped]

ORDER = (
    "Patient",
    "RelatedPerson",
    "Appointment",
    "Encounter",
    "Immunization",
    "Observation",
    "Procedure",
    # Nothing below completes a schedule row: the rows are recomputed beside these files
    # (ehr.completions_pool).
    "Coverage",
    "Condition",
    "AllergyIntolerance",
    "MedicationStatement",
    # Screens (screening.imported registers the handler): after the caregivers who answered.
    "QuestionnaireResponse",
    # Referrals (referrals.imported): the referral, the family's consent (before the state: a
    # referral is sent only under consent), then its life.
    "ServiceRequest",
    "Consent",
    "Task",
    # The shared plan (careplan.imported): the team first (goals' owners), then the goals, then
    # the plan that lists them and its actions.
    "CareTeam",
    "Goal",
    "CarePlan",
)

# Resource types kept as EHR records (keyed by source_key, with their content hash), and the
# table and mapping of each.
RECORD_TYPES: dict[str, tuple[type[models.EhrRecord], Mapper]] = {
    "Coverage": (models.Coverage, map_coverage),
    "Immunization": (models.Immunization, map_immunization),
    "Observation": (models.Observation, map_observation),
    "Procedure": (models.Procedure, map_procedure),
    "Condition": (models.Condition, map_condition),
    "AllergyIntolerance": (models.Allergy, map_allergy),
    "MedicationStatement": (models.Medication, map_medication),
}

# Resources of a record type that are never its records (the mapper skips them). An import before
# medhome knew one kept it; its line, unchanged since, is mapped again so that row is withdrawn.
NEVER_RECORDS: dict[str, Callable[[dict[str, Any]], bool]] = {"Condition": is_health_concern}

# Where each type names its patient.
PATIENT_FIELDS = {
    "RelatedPerson": "patient",
    "Coverage": "beneficiary",
    "Encounter": "subject",
    "Immunization": "patient",
    "Observation": "subject",
    "Procedure": "subject",
    "Condition": "subject",
    "AllergyIntolerance": "patient",
    "MedicationStatement": "subject",
    "QuestionnaireResponse": "subject",
    "ServiceRequest": "subject",
    "Task": "for",
    "Consent": "patient",
    "CareTeam": "subject",
    "Goal": "subject",
    "CarePlan": "subject",
}


def patient_reference(resource: dict[str, Any]) -> dict[str, Any] | None:
    field = PATIENT_FIELDS.get(resource.get("resourceType", ""))
    if field:
        return resource.get(field)
    for participant in resource.get("participant") or []:  # Appointment
        actor = participant.get("actor") or {}
        if str(actor.get("reference", "")).startswith("Patient/"):
            return actor
    return None


__all__ = ["NEVER_RECORDS", "ORDER", "RECORD_TYPES", "Mapped", "PatientRef", "patient_reference"]
