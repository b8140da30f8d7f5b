"""The family's links on the chart: how many work now, and the way to the page that lists and
revokes them."""

from datetime import date
from typing import Any

from medhome.core import clock
from medhome.core.panels import Panel, register
from medhome.portal import links
from medhome.portal.models import Purpose


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not any(links.may_issue(actor, purpose) for purpose in Purpose):
        return None
    return {"child": child, "live": links.live_link_count(actor, child, at=clock.now())}


def register_panels() -> None:
    register(Panel(order=45, place="main", template="portal/panel.html", context=panel_context))
