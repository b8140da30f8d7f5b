"""FHIR AllergyIntolerance → Allergy; "no known allergy" (SNOMED 716186003) is recorded as NKA,
not as an allergy. Refuted or entered in error withdraws it."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .codes import NO_KNOWN_ALLERGY, RXNORM, SNOMED
from .common import (
    Mapped,
    PatientRef,
    Refused,
    codings,
    concept_text,
    first_code,
    require_code,
    resolve_child,
)

CLINICAL_STATUSES = frozenset({"active", "inactive", "resolved"})
VERIFICATION_STATUSES = frozenset({"unconfirmed", "confirmed", "refuted", "entered-in-error"})
CRITICALITIES = frozenset({"low", "high", "unable-to-assess"})


def map_allergy(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    child = resolve_child(resource.get("patient"), children)
    clinical = [c for _s, c, _d in codings(resource.get("clinicalStatus"))]
    verification = [c for _s, c, _d in codings(resource.get("verificationStatus"))]
    status = require_code(clinical[0], CLINICAL_STATUSES, "clinicalStatus") if clinical else ""
    if verification:
        require_code(verification[0], VERIFICATION_STATUSES, "verificationStatus")
        if verification[0] in ("refuted", "entered-in-error"):
            return Mapped(child.child_id, [])
    criticality = resource.get("criticality") or ""
    if criticality:
        require_code(criticality, CRITICALITIES, "criticality")
    _system, code, display = first_code(resource.get("code"), (SNOMED, RXNORM))
    display = display or concept_text(resource.get("code"))
    if not code and not display:
        raise Refused("unknown_code", _("The allergy has no code."))
    row = {
        "code": code[:20],
        "display": display[:200],
        "no_known_allergy": code == NO_KNOWN_ALLERGY,
        "criticality": criticality,
        "clinical_status": status or "active",
    }
    return Mapped(child.child_id, [("", row)])
