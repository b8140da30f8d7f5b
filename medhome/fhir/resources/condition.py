"""Condition (US Core 7 Condition Problems and Health Concerns): the problem list the
practice's EHR sends (ehr.models.Condition, a read-only record: the EHR is its source of
truth), category `problem-list-item`.

Written to round-trip through the EHR import (ehr/fhir_in/condition.py `map_condition`): the
identifier it was imported with (its `source_key`), the code in its own system, clinicalStatus.

Not served yet: health concerns (category `health-concern`) and SDOH conditions (US Core
`sdoh` + the Gravity SDOHCC category, interop-codes.md §1.9): medhome keeps the family's
priorities as the plan's free text and social needs as screening results, not as rows of
concerns; a search for those categories answers an empty Bundle."""

from typing import Any

from django.db.models import Q, QuerySet

from medhome.ehr.models import Condition
from medhome.smart.principal import FhirPrincipal

from ..care import CONDITION_CATEGORY, code_table, coded_param, concept, meta, patient_ref
from ..care import practice_rows
from ..params import date_param, reference_param
from ..registry import ResourceType, register

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
# condition-clinical (http://hl7.org/fhir/R4/codesystem-condition-clinical.html): the import
# keeps one of these (ehr/fhir_in/condition.py CLINICAL_STATUSES).
CLINICAL_STATUSES = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
SP = "http://hl7.org/fhir/SearchParameter/"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter/"


def rows(principal: FhirPrincipal) -> QuerySet[Condition]:
    return practice_rows(principal, Condition)


def identifier(source_key: str) -> list[dict[str, str]]:
    system, sep, value = source_key.partition("|")
    return [{"system": system, "value": value}] if sep and system and value else []


def to_resource(condition: Condition, principal: FhirPrincipal) -> dict[str, Any]:
    code: dict[str, Any] = {"text": condition.display or condition.code}
    if condition.code and condition.code_system:
        coding = {"system": condition.code_system, "code": condition.code}
        if condition.display:
            coding["display"] = condition.display
        code["coding"] = [coding]
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": str(condition.pk),
        "meta": meta(condition.imported_at, PROFILE),
        "clinicalStatus": concept(CLINICAL, condition.clinical_status or "active"),
        "category": [concept(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": code,
        "subject": patient_ref(condition.child_id),
    }
    if ids := identifier(condition.source_key):
        resource["identifier"] = ids
    if condition.onset_on is not None:
        resource["onsetDateTime"] = condition.onset_on.isoformat()
    return resource


def _codes(given: str | None, code: str) -> Q | None:
    if given == "":
        return Q(code=code, code_system="")
    return Q(code=code) if given is None else Q(code=code, code_system=given)


CONDITION = register(
    ResourceType(
        name="Condition",
        model=Condition,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params={
            "patient": reference_param(
                "patient", "child_id", "Patient", definition=f"{SP}clinical-patient"
            ),
            "category": coded_param(
                "category",
                # Every row is a problem-list item; health-concern and sdoh match none.
                code_table(CONDITION_CATEGORY, {"problem-list-item": Q(pk__isnull=False)}),
                definition=f"{US_CORE_SP}us-core-condition-category",
            ),
            "clinical-status": coded_param(
                "clinical-status",
                code_table(
                    CLINICAL,
                    {status: Q(clinical_status=status) for status in CLINICAL_STATUSES},
                ),
                definition=f"{US_CORE_SP}us-core-condition-clinical-status",
            ),
            "code": coded_param("code", _codes, definition=f"{SP}clinical-code"),
            "onset-date": date_param(
                "onset-date",
                "onset_on",
                is_date=True,
                definition=f"{US_CORE_SP}us-core-condition-onset-date",
            ),
        },
        profiles=(PROFILE,),
        sorts={"onset-date": "onset_on"},
        default_order=("-onset_on", "pk"),
        updated_field="imported_at",
    )
)
