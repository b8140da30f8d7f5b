"""FHIR Immunization → Immunization (CVX). "not-done" is kept (shown, never counted);
"entered-in-error" withdraws the record."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .codes import CVX
from .common import (
    Mapped,
    PatientRef,
    Refused,
    check_dates,
    first_code,
    parse_date,
    require_code,
    resolve_child,
)

STATUSES = frozenset({"completed", "entered-in-error", "not-done"})


def map_immunization(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    status = require_code(resource.get("status"), STATUSES, "status")
    child = resolve_child(resource.get("patient"), children)
    if status == "entered-in-error":
        return Mapped(child.child_id, [])
    _system, cvx, display = first_code(resource.get("vaccineCode"), (CVX,))
    if not cvx:
        raise Refused("unknown_code", _("The vaccine has no CVX code."))
    given_on = parse_date(resource.get("occurrenceDateTime"))
    if given_on is None:
        raise Refused("no_date", _("The immunization has no date."))
    check_dates(on=given_on, today=today, born=child.date_of_birth)
    row = {"cvx": cvx[:10], "display": display[:200], "given_on": given_on, "status": status}
    return Mapped(child.child_id, [("", row)])
