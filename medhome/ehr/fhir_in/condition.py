"""FHIR Condition → Condition (a problem on the chart). Refuted or entered in error withdraws
it.

A health concern (US Core condition-category `health-concern`, without the problem-list-item
category) is not a problem: it is skipped and counted. That includes the SDOHCC health concerns
medhome's own FHIR API derives from a family's social-needs screen (fhir/resources/condition.py),
so an exported panel re-imported does not put "Food insecurity" on the problem list as if the EHR
had said so."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .codes import CONDITION_CATEGORY, ICD10CM, SNOMED, US_CORE_CONDITION_CATEGORY
from .common import (
    Mapped,
    PatientRef,
    Refused,
    check_dates,
    codings,
    concept_text,
    first_code,
    parse_date,
    require_code,
    resolve_child,
)

CLINICAL_STATUSES = frozenset(
    {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}
)
VERIFICATION_STATUSES = frozenset(
    {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}
)


def map_condition(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    child = resolve_child(resource.get("subject"), children)
    if is_health_concern(resource):
        return Mapped(child.child_id, [], skipped="health_concern")
    clinical = [c for _s, c, _d in codings(resource.get("clinicalStatus"))]
    verification = [c for _s, c, _d in codings(resource.get("verificationStatus"))]
    status = require_code(clinical[0], CLINICAL_STATUSES, "clinicalStatus") if clinical else ""
    if verification:
        require_code(verification[0], VERIFICATION_STATUSES, "verificationStatus")
        if verification[0] in ("refuted", "entered-in-error"):
            return Mapped(child.child_id, [])
    system, code, display = first_code(resource.get("code"), (SNOMED, ICD10CM))
    display = display or concept_text(resource.get("code"))
    if not code and not display:
        raise Refused("unknown_code", _("The problem has no code."))
    onset_on = parse_date(resource.get("onsetDateTime") or resource.get("recordedDate"))
    check_dates(on=onset_on, today=today, born=child.date_of_birth)
    row = {
        "code_system": system[:100],
        "code": code[:20],
        "display": display[:200],
        "clinical_status": status or "active",
        "onset_on": onset_on,
    }
    return Mapped(child.child_id, [("", row)])


def is_health_concern(resource: dict[str, Any]) -> bool:
    """A health concern that is not also on the problem list (SDOHCC's, medhome's own export's)."""
    found = {
        (system, code) for c in resource.get("category") or [] for system, code, _d in codings(c)
    }
    return (US_CORE_CONDITION_CATEGORY, "health-concern") in found and (
        CONDITION_CATEGORY,
        "problem-list-item",
    ) not in found
