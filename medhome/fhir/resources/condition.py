"""Condition (US Core 7 Condition Problems and Health Concerns), from the view
fhir.models.ConditionRow over two kinds of rows:

(a) the problem list the practice's EHR sends (ehr.models.Condition, a read-only record: the EHR
is its source of truth), category `problem-list-item`. Written to round-trip through the EHR
import (ehr/fhir_in/condition.py `map_condition`): the identifier it was imported with (its
`source_key`), the code in its own system, clinicalStatus. Read with chart.read.

(b) a social-needs health concern for each positive domain of a scored screen: the SDOHCC
Condition a screen generates (../shared/docs/domain/interop-codes.md §1.2 and §1.9; profile
`SDOHCC-Condition`, HL7/fhir-sdoh-clinicalcare input/fsh/profiles/SDOHCCCondition.fsh): category
`health-concern` (US Core condition-category) + `sdoh` (US Core category, invariant SDOH-Con-3)
+ the SDOHCC domain category; verificationStatus `unconfirmed` (generated from answers, "changed
to confirmed only after review and concurrence by the provider and patient"); evidence → the
screen's Observation. Code: SNOMED CT 733423003 "Food insecurity" for food (the IG's examples
SDOHCC-ConditionFoodInsecurityExample and -AsserterDeviceExample), and the ICD-10-CM Z code
medhome suggests for the domain (screening.zcodes, interop-codes.md §4) when exactly one is
valid on the screen's day; otherwise text only (housing: which of four Z codes is the team's
and the family's call, docs/clinical-rules.md#codes). Active until a newer screen with the same
instrument is scored (models.ConditionRow). Read like the screen's result Observation: with
screening.results, an adolescent's own confidential screen with screening.detail, a partner
organization only for a screen a standing consent shares with it (_screens.shared_with_partner);
never the partner-violence domain.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from medhome.accounts.roles import Capability
from medhome.ehr.fhir_in.codes import (
    CONDITION_CATEGORY,
    ICD10CM,
    SNOMED,
    US_CORE_CONDITION_CATEGORY,
)
from medhome.fhir.models import ConditionRow, ConditionSource, concern_sources
from medhome.practices.scoping import scoped
from medhome.screening import zcodes
from medhome.smart.principal import FhirPrincipal

from ..care import (
    US_CORE_CATEGORY,
    code_table,
    coded_param,
    concept,
    meta,
    patient_ref,
    practice_rows,
)
from ..params import any_of, date_param, reference_param
from ..registry import ResourceType, register
from . import _screens as s
from .sdohcc import SDOHCC, SDOHCC_CODES

PROFILE = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-condition-problems-health-concerns"
)
SDOHCC_PROFILE = f"{SDOHCC}/StructureDefinition/SDOHCC-Condition"
ASSERTER_DEVICE = f"{SDOHCC}/StructureDefinition/SDOHCC-ExtensionConditionAsserter"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
# condition-clinical (http://hl7.org/fhir/R4/codesystem-condition-clinical.html): the import
# keeps one of these (ehr/fhir_in/condition.py CLINICAL_STATUSES); a concern is active|inactive.
CLINICAL_STATUSES = ("active", "recurrence", "relapse", "inactive", "remission", "resolved")
SP = "http://hl7.org/fhir/SearchParameter/"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter/"
EHR, SCREENING = ConditionSource.EHR, ConditionSource.SCREENING


@dataclass(frozen=True)
class Concern:
    text: str  # the SDOHCC category's display
    snomed: tuple[str, str] | None = None  # (code, display), from the IG's examples


CONCERNS = {
    "food": Concern("Food insecurity", ("733423003", "Food insecurity")),
    "housing": Concern("Housing instability"),
    "transportation": Concern("Transportation insecurity"),
    "utilities": Concern("Utility insecurity"),
}


def _one_code_at_a_time(domain: str) -> bool:
    """Are the domain's Z codes valid one at a time (so the screen's day names one)?"""
    codes = zcodes.BY_DOMAIN.get(domain, ())
    last = date.max
    return not any(
        a.valid_from <= (b.valid_to or last) and b.valid_from <= (a.valid_to or last)
        for n, a in enumerate(codes)
        for b in codes[n + 1 :]
    )


def z_code(domain: str, on: date | None) -> zcodes.ZCode | None:
    if on is None or not _one_code_at_a_time(domain):
        return None
    valid = zcodes.suggested([domain], on)
    return valid[0] if len(valid) == 1 else None


def rows(principal: FhirPrincipal) -> QuerySet[ConditionRow]:
    if principal.kind == "partner":
        shared = s.shared_with_partner(principal)
        if shared is None:
            return ConditionRow.objects.none()
        return ConditionRow.objects.filter(
            source=SCREENING, confidential=False, administration_id__in=shared
        )
    actor = principal.actor
    problems = practice_rows(principal, ConditionRow).filter(source=EHR)
    concerns = scoped(actor, ConditionRow, need=Capability.SCREENING_RESULTS).filter(
        source=SCREENING
    )
    if not actor.can(Capability.SCREENING_DETAIL):
        concerns = concerns.filter(confidential=False)
    return problems | concerns


def by_ids(ids: list[uuid.UUID]) -> Q:
    """A problem by its id; a concern by its id among the concerns of its candidate screens
    (models.concern_sources): both from an index."""
    found = Q(source=EHR, pk__in=ids)
    for concern in ids:
        if sources := concern_sources(concern):
            domain, screens = sources
            found |= Q(source=SCREENING, pk=concern, domain=domain, administration_id__in=screens)
    return found


def prepare(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.select_related("ehr_condition")


def identifier(source_key: str) -> list[dict[str, str]]:
    system, sep, value = source_key.partition("|")
    return [{"system": system, "value": value}] if sep and system and value else []


def _problem(row: ConditionRow) -> dict[str, Any]:
    condition = row.ehr_condition
    assert condition is not None
    code: dict[str, Any] = {"text": condition.display or condition.code}
    if condition.code and condition.code_system:
        coding = {"system": condition.code_system, "code": condition.code}
        if condition.display:
            coding["display"] = condition.display
        code["coding"] = [coding]
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": str(row.pk),
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


def _concern(row: ConditionRow) -> dict[str, Any]:
    concern = CONCERNS[row.domain]
    codings: list[dict[str, str]] = []
    if concern.snomed:
        codings.append({"system": SNOMED, "code": concern.snomed[0], "display": concern.snomed[1]})
    if z := z_code(row.domain, row.onset_on):
        with translation.override("en"):
            codings.append({"system": ICD10CM, "code": z.code, "display": str(z.label)})
    code: dict[str, Any] = {"text": concern.text}
    if codings:
        code["coding"] = codings
    category = s.SDOH_DOMAINS[row.domain]
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": str(row.pk),
        "meta": meta(row.updated_at, PROFILE, SDOHCC_PROFILE),
        # Generated by medhome's scoring from the family's answers, not asserted by a person.
        "extension": [
            {"url": ASSERTER_DEVICE, "valueReference": {"display": "medhome screening scoring"}}
        ],
        "clinicalStatus": concept(CLINICAL, row.clinical_status),
        "verificationStatus": concept(VERIFICATION, "unconfirmed", "Unconfirmed"),
        "category": [
            concept(US_CORE_CONDITION_CATEGORY, "health-concern", "Health Concern"),
            concept(US_CORE_CATEGORY, "sdoh", "SDOH"),
            concept(SDOHCC_CODES, category),
        ],
        "code": code,
        "subject": patient_ref(row.child_id),
        "evidence": [{"detail": [{"reference": f"Observation/{row.administration_id}"}]}],
    }
    if row.onset_on is not None:
        resource["onsetDateTime"] = row.onset_on.isoformat()
    if row.abated_on is not None:
        resource["abatementDateTime"] = row.abated_on.isoformat()
    return resource


def to_resource(row: ConditionRow, principal: FhirPrincipal) -> dict[str, Any]:
    return _problem(row) if row.source == EHR else _concern(row)


def _codes(given: str | None, code: str) -> Q | None:
    """A problem by its own code; a concern by the SNOMED CT or ICD-10-CM code it carries."""
    found = []
    if given == "":
        found.append(Q(source=EHR, code=code, code_system=""))
    elif given is None:
        found.append(Q(source=EHR, code=code))
    else:
        found.append(Q(source=EHR, code=code, code_system=given))
    for domain, concern in CONCERNS.items():
        if concern.snomed and concern.snomed[0] == code and given in (None, SNOMED):
            found.append(Q(source=SCREENING, domain=domain))
        if given not in (None, ICD10CM) or not _one_code_at_a_time(domain):
            continue
        for z in zcodes.BY_DOMAIN.get(domain, ()):
            if z.code == code:
                days = Q(onset_on__gte=z.valid_from)
                if z.valid_to is not None:
                    days &= Q(onset_on__lte=z.valid_to)
                found.append(Q(source=SCREENING, domain=domain) & days)
    return any_of(found)


CATEGORIES = code_table(
    CONDITION_CATEGORY,
    {"problem-list-item": Q(source=EHR)},
    also={
        US_CORE_CONDITION_CATEGORY: {"health-concern": Q(source=SCREENING)},
        US_CORE_CATEGORY: {"sdoh": Q(source=SCREENING)},
        SDOHCC_CODES: {
            category: Q(source=SCREENING, domain=domain)
            for domain, category in s.SDOH_DOMAINS.items()
        },
    },
)

CONDITION = register(
    ResourceType(
        name="Condition",
        model=ConditionRow,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params={
            "patient": reference_param(
                "patient", "child_id", "Patient", definition=f"{SP}clinical-patient"
            ),
            "category": coded_param(
                "category", CATEGORIES, definition=f"{US_CORE_SP}us-core-condition-category"
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
            "abatement-date": date_param(
                "abatement-date",
                "abated_on",
                is_date=True,
                definition=f"{US_CORE_SP}us-core-condition-abatement-date",
            ),
        },
        profiles=(PROFILE, SDOHCC_PROFILE),
        sorts={"onset-date": "onset_on"},
        default_order=("-onset_on", "pk"),
        prepare=prepare,
        updated_field="updated_at",
        by_ids=by_ids,
    )
)
