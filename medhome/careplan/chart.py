"""The care plan's place on the chart: who is on the team, the lead coordinator, open goals."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register

from . import selectors


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(Capability.CHART_READ):
        return None
    plan = selectors.plan_of_child(actor, child)
    team = list(selectors.team_of(child)) if plan is not None else []
    return {
        "child": child,
        "plan": plan,
        "team": team,
        "open_goals": [
            g for g in selectors.goals_of(plan) if g.status in ("not_started", "in_progress")
        ]
        if plan is not None
        else [],
    }


def register_panels() -> None:
    register(Panel(order=40, place="main", template="careplan/panel.html", context=panel_context))
