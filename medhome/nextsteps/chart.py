"""The next steps on a child's chart and on a screen's result page."""

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from medhome.core.panels import Panel, register
from medhome.screening import hooks
from medhome.screening.models import Administration

from . import selectors


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    actor = request.actor
    if not actor.can(selectors.READ):
        return None
    screens = selectors.open_screens_of_child(actor, child)
    if not screens:
        return None
    return {"screens": screens, "actor": actor, "back": request.get_full_path()}


def result_section(request: Any, administration: Administration) -> SafeString | None:
    shown = selectors.steps_of_screen(request.actor, administration)
    if shown is None:
        return None
    return render_to_string(
        "nextsteps/result_section.html",
        {"item": shown, "actor": request.actor, "back": request.get_full_path()},
        request=request,
    )


def register_all() -> None:
    register(Panel(order=15, place="top", template="nextsteps/panel.html", context=panel_context))
    hooks.result_section(result_section)
