"""The visits section of a child's chart: what is booked (with the day's buttons) and the last
few visits, and the way to book one."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register

from .selectors import visits_of_child


def visits_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(Capability.CHART_READ):
        return None
    return {
        "child": child,
        "visits": visits_of_child(actor, child),
        "may_book": actor.can(Capability.VISIT_BOOK),
        "may_bill": actor.can(Capability.BILLING_READ),
        "here": request.get_full_path(),
    }


def register_panels() -> None:
    # Before the screening section: the next visit is where its work happens.
    register(Panel(order=35, place="main", template="visits/panel.html", context=visits_context))
