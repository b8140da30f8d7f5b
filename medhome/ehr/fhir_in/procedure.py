"""FHIR Procedure → Procedure (fluoride varnish, vision and hearing screening by CPT, any
other procedure as sent). Only a completed procedure is a record; not done, stopped or entered
in error withdraws it."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from .codes import CPT, SNOMED
from .common import (
    Mapped,
    PatientRef,
    Refused,
    check_dates,
    codings,
    first_code,
    parse_date,
    require_code,
    resolve_child,
)

STATUSES = frozenset(
    {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    }
)


def map_procedure(
    resource: dict[str, Any], *, children: dict[str, PatientRef], today: date
) -> Mapped:
    status = require_code(resource.get("status"), STATUSES, "status")
    child = resolve_child(resource.get("subject"), children)
    if status != "completed":
        return Mapped(child.child_id, [])
    system, code, display = first_code(resource.get("code"), (CPT, SNOMED))
    if not code:
        found = codings(resource.get("code"))
        system, code, display = found[0] if found else ("", "", "")
    if not code:
        raise Refused("unknown_code", _("The procedure has no code."))
    period = resource.get("performedPeriod") or {}
    performed_on = parse_date(resource.get("performedDateTime") or period.get("start"))
    if performed_on is None:
        raise Refused("no_date", _("The procedure has no date."))
    check_dates(
        on=performed_on,
        ends_on=parse_date(period.get("end")),
        today=today,
        born=child.date_of_birth,
    )
    row = {
        "code_system": system[:100],
        "code": code[:20],
        "display": display[:200],
        "performed_on": performed_on,
    }
    return Mapped(child.child_id, [("", row)])
