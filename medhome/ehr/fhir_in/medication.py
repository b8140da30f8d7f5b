"""FHIR MedicationStatement → Medication (RxNorm). Entered in error or not taken withdraws
it."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .codes import RXNORM
from .common import (
    Mapped,
    PatientRef,
    Refused,
    check_dates,
    concept_text,
    first_code,
    parse_date,
    require_code,
    resolve_child,
)

STATUSES = frozenset(
    {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    }
)


def map_medication(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    status = require_code(resource.get("status"), STATUSES, "status")
    child = resolve_child(resource.get("subject"), children)
    if status in ("entered-in-error", "not-taken"):
        return Mapped(child.child_id, [])
    concept = resource.get("medicationCodeableConcept")
    _system, code, display = first_code(concept, (RXNORM,))
    display = display or concept_text(concept)
    if not code and not display:
        raise Refused("unknown_code", _("The medication has no code."))
    period = resource.get("effectivePeriod") or {}
    started_on = parse_date(resource.get("effectiveDateTime") or period.get("start"))
    check_dates(
        on=started_on, ends_on=parse_date(period.get("end")), today=today, born=child.date_of_birth
    )
    dosage = next((d.get("text") for d in resource.get("dosage") or [] if d.get("text")), "")
    row = {
        "code": code[:20],
        "display": display[:200],
        "status": status,
        "dosage": str(dosage)[:300],
        "started_on": started_on,
    }
    return Mapped(child.child_id, [("", row)])
