from dataclasses import dataclass
from datetime import date

from django import template

from medhome.instruments import registry

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
