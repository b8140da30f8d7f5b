"""The screening sections of a child's chart: open critical alerts at the top, then what is due,
results over time and the links sent."""

from datetime import date, timedelta
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.panels import Panel, register
from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.panel import DEFAULT_PANEL_ROWS

from . import due, selectors
from .panel import STATUS_LABELS, may_see_row_result

# The rows screening owns, shown first; the rest of the visit (exam, vaccines, labs) folds away.
SCREENING_ROWS = frozenset({*DEFAULT_PANEL_ROWS, "substance_use", VISIT_ROW})


def alerts_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    alerts = selectors.alerts_of_child(request.actor, child)
    return {"alerts": alerts, "actor": request.actor} if alerts else None


def panel_context(
    request: Any, child: Any, today: date, *, full: bool = False
) -> dict[str, Any] | None:
    actor = request.actor
    may_see_results = actor.can(Capability.SCREENING_RESULTS)
    may_send = actor.can(Capability.SCREENING_SEND)
    if not (may_see_results or may_send):
        return None
    schedule = due.schedule_of(child, today)
    current = schedule.current
    history, hidden = selectors.history_of(actor, child) if may_see_results else ([], 0)
    return {
        "child": child,
        "actor": actor,
        "today": today,
        "now": clock.now(),
        "schedule": schedule,
        "current": current,
        "next_visit": next((v for v in schedule.visits if v.status == "upcoming"), None),
        "current_status": STATUS_LABELS.get(current.status, current.status) if current else "",
        "window_last_day": current.window.closes - timedelta(days=1) if current else None,
        "rows": _states(schedule, SCREENING_ROWS, actor, inside=True),
        "other_rows": _states(schedule, SCREENING_ROWS, actor, inside=False),
        "age_label": due.age_label(child, today),
        "history": history,
        "hidden_confidential": hidden,
        "choices": due.choices_for(child, today, schedule) if may_send else [],
        "links": selectors.links_of(actor, child) if may_send else [],
        "in_progress": selectors.in_progress_of(actor, child) if may_send else [],
        "caregivers": list(child.family.caregivers.all()),
        "full": full,
        "alerts": selectors.alerts_of_child(actor, child) if full else [],
    }


def _states(
    schedule: Any, keys: frozenset[str], actor: Any, *, inside: bool
) -> list[tuple[Any, Any]]:
    return [
        (state, STATUS_LABELS.get(_shown_status(state, actor), state.status))
        for state in schedule.rows
        if state.status != "not_applicable" and (state.row.key in keys) == inside
    ]


def _shown_status(state: Any, actor: Any) -> str:
    """ "Next step pending" tells a positive result: a viewer who may not see the row's results
    (the front desk sending links) reads it as still due."""
    if state.status == "next_step_pending" and not may_see_row_result(
        actor, confidential=state.row.confidential
    ):
        return "due"
    return str(state.status)


def register_panels() -> None:
    register(
        Panel(order=10, place="top", template="screening/panel_alerts.html", context=alerts_context)
    )
    register(Panel(order=50, place="main", template="screening/panel.html", context=panel_context))
