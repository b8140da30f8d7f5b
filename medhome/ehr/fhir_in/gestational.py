"""FHIR Observation LOINC 76516-4 "Gestational age at birth" → the child's gestational age
(completed weeks and days), not an Observation row: it is a fact of the child, read for the
corrected age. valueQuantity in weeks ("wk", decimals to the nearest day: 38.5 wk = 38 weeks
4 days) or days ("d"); 22 to 44 completed weeks, as the child's record allows."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .codes import LOINC
from .common import PatientRef, Refused, codings, require_code, resolve_child
from .observation import RESULT_STATUSES, STATUSES

GESTATIONAL_AGE = "76516-4"
DAYS_PER = {
    "wk": 7,
    "week": 7,
    "weeks": 7,
    "wks": 7,
    "d": 1,
    "day": 1,
    "days": 1,
}
WEEKS = (22, 44)


def is_gestational_age(resource: dict[str, Any]) -> bool:
    return any(
        system == LOINC and code == GESTATIONAL_AGE
        for system, code, _display in codings(resource.get("code"))
    )


def gestational_age(
    resource: dict[str, Any], *, children: dict[str, PatientRef]
) -> tuple[PatientRef, int, int] | None:
    """(child, weeks, days); None when the observation is not (or no longer) a result."""
    status = require_code(resource.get("status"), STATUSES, "status")
    child = resolve_child(resource.get("subject"), children)
    if status not in RESULT_STATUSES:
        return None
    quantity = resource.get("valueQuantity") or {}
    unit = str(quantity.get("code") or quantity.get("unit") or "wk").strip().lower()
    if quantity.get("value") is None:
        raise Refused("no_value", _("The measurement has no value."))
    if unit not in DAYS_PER:
        raise Refused("unknown_unit", _("The measurement's unit is not one medhome converts."))
    try:
        total = int(
            (Decimal(str(quantity["value"])) * DAYS_PER[unit]).to_integral_value(ROUND_HALF_UP)
        )
    except (InvalidOperation, ValueError):
        raise Refused("no_value", _("The measurement has no value.")) from None
    weeks, days = divmod(total, 7)
    if not WEEKS[0] <= weeks <= WEEKS[1]:
        raise Refused(
            "gestational_age_out_of_range",
            _("The gestational age at birth is outside 22 to 44 weeks."),
        )
    return child, weeks, days
