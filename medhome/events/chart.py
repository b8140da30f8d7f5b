"""A transition of care (ED visit, admission, discharge) in the last 30 days flags the chart."""

from datetime import date, timedelta
from typing import Any

from medhome.core.panels import Panel, register

from .selectors import flagged_events

RECENT_DAYS = 30


def flag_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    since = today - timedelta(days=RECENT_DAYS)
    recent = [
        event
        for event in flagged_events(request.actor, child)
        if (event.ended_at or event.started_at).date() >= since
    ]
    return {"events": recent, "child": child} if recent else None


def register_panels() -> None:
    register(Panel(order=20, place="top", template="events/panel_flag.html", context=flag_context))
