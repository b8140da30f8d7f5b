"""The caregivers' consent to texts and email on the chart, beside how they want to be reached
(the chart is families'; messaging adds this panel to its family section)."""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register

from . import consent_selectors


def consent_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(Capability.CHART_READ):
        return None
    caregivers = list(child.family.caregivers.all())
    if not caregivers:
        return None
    return {
        "child": child,
        "rows": consent_selectors.family_consents(actor, caregivers),
        "may_edit": actor.can(Capability.FAMILY_EDIT),
    }


def register_panels() -> None:
    register(
        Panel(
            order=10,
            place="family",
            template="messaging/panel_consent.html",
            context=consent_context,
        )
    )
