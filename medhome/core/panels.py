"""Sections other apps add to a child's chart.

The chart belongs to `families`, which must not import the apps above it; those apps register a
panel here (in AppConfig.ready) and the chart renders whatever is registered, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from medhome.core.remember import remembering


@dataclass(frozen=True)
class Panel:
    order: int
    # "top" (above the family, for what must not be missed), "family" (in the family's
    # section, under the caregivers) or "main"
    place: str
    template: str
    context: Callable[[Any, Any, Any], dict[str, Any] | None]  # (request, child, today) -> ctx


_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    _PANELS.append(panel)
    _PANELS.sort(key=lambda registered: registered.order)


def render_chart_panels(request: Any, child: Any, today: Any) -> dict[str, list[SafeString]]:
    """Every registered panel, in order. The panels only read, so what several of them read
    (the child's schedule: screening's section and "At this visit") is read once
    (core.remember)."""
    rendered: dict[str, list[SafeString]] = {"top": [], "family": [], "main": []}
    with remembering():
        for panel in _PANELS:
            context = panel.context(request, child, today)
            if context is not None:
                html = render_to_string(panel.template, context, request=request)
                rendered[panel.place].append(html)
    return rendered
