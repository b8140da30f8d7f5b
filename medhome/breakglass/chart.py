"""Break-glass on a child's chart: while a grant is active, a banner with the time left and
"End now"; for a role with something it could lift, the way to ask for emergency access."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.panels import Panel, register

from .services import lifted_for, minutes


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    lift = actor.break_glass
    if lift is not None and lift.child_id == child.pk:
        left = max(0, int((lift.expires_at - clock.now()).total_seconds() // 60))
        return {"child": child, "active": True, "minutes_left": left, "expires_at": lift.expires_at}
    if actor.can(Capability.BREAK_GLASS) and lifted_for(actor.role):
        return {"child": child, "active": False, "minutes": minutes()}
    return None


def register_panels() -> None:
    register(Panel(order=1, place="top", template="breakglass/panel.html", context=panel_context))
