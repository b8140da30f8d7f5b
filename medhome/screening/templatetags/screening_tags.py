from dataclasses import dataclass
from datetime import date
from typing import Any

from django import template

from medhome.instruments import registry
from medhome.screening.alert_display import ShownAlert, present_alert

register = template.Library()

WIDTH, HEIGHT, PAD = 220, 48, 4


@dataclass(frozen=True)
class Line:
    width: int
    height: int
    points: str
    dots: list[tuple[float, float]]


@register.simple_tag
def sparkline(points: list[tuple[date, int]]) -> Line:
    """A small score-over-time line, drawn as SVG so no script or style is needed (CSP)."""
    totals = [total for _day, total in points]
    low, high = min(totals), max(totals)
    span = max(high - low, 1)
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    dots = [
        (
            round(PAD + i * step, 1),
            round(HEIGHT - PAD - (total - low) / span * (HEIGHT - 2 * PAD), 1),
        )
        for i, total in enumerate(totals)
    ]
    return Line(WIDTH, HEIGHT, " ".join(f"{x},{y}" for x, y in dots), dots)


@register.filter
def instrument_name(key: str) -> str:
    try:
        return registry.get(key).name
    except registry.UnknownInstrument:
        return key


@register.simple_tag(takes_context=True)
def shown_alert(context: template.Context, alert: Any) -> ShownAlert:
    """`{% shown_alert alert as shown %}`: what the page's viewer may read of an alert."""
    request = context.get("request")
    actor = request.actor if request is not None else context["actor"]
    return present_alert(alert, actor=actor)
