"""The referrals section of a child's chart: the family's referrals and their state, their open
follow-up tasks (the child's other tasks are the tasks section's), and a way to start a new one."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register
from medhome.tasks.selectors import tasks_of_child

from . import selectors
from .acting import TASK_SOURCE


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(Capability.REFERRAL_SEND):
        return None
    return {
        "child": child,
        "actor": actor,
        # Only what the panel shows joined: the organization's name, and the screen that makes
        # a referral the adolescent's own (Referral.is_confidential); a task's title is its own.
        "referrals": list(
            selectors.referrals_of_child(actor, child)
            .select_related(None)
            .select_related("organization", "source_administration")[:20]
        ),
        "tasks": list(
            tasks_of_child(actor, child)
            .select_related(None)
            .filter(status="open", source_type=TASK_SOURCE)[:10]
        ),
    }


def register_panels() -> None:
    register(Panel(order=60, place="main", template="referrals/panel.html", context=panel_context))
