"""The chart's tasks: the child's open tasks, a form to add one, and a link to My tasks
filtered to the child. One query: the tasks. A new task goes to the person adding it or to a
role; handing it to a named colleague is done from My tasks (the chart names no colleague)."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability, Role
from medhome.core import clock
from medhome.core.panels import Panel, register

from . import selectors
from .models import TaskPriority

SHOWN = 20


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(Capability.CHART_READ):
        return None
    tasks = selectors.open_tasks_of_child(actor, child, limit=SHOWN + 1)
    return {
        "child": child,
        "tasks": tasks[:SHOWN],
        "more": len(tasks) > SHOWN,
        "today": today,
        "now": clock.now(),
        "roles": [(role, Role(role).label) for role in selectors.TASK_ROLES],
        "priorities": TaskPriority.choices,
        "my_role": actor.role,
    }


def register_panels() -> None:
    register(Panel(order=32, place="main", template="tasks/panel.html", context=panel_context))
