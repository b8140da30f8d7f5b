"""A growth chart as SVG geometry: the child's points, the axes, and where the percentile
curves' image (growth.curve_images) lies, in a small fixed viewBox the browser scales and the
printer prints (no script needed).

Only arithmetic lives here; the template draws the shapes (growth/_plot.html).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import curve_images
from .charts import Assessment, Curve, curves
from .references import BY_KEY, WHO_WEIGHT_FOR_LENGTH, Reference

WIDTH, HEIGHT = 360, 250
LEFT, RIGHT, TOP, BOTTOM = 34, 50, 8, 30  # room for tick labels and the curves' names
LABEL_GAP = 9  # viewBox units between two curve names, so they never overprint


@dataclass(frozen=True)
class CurveName:
    label: str  # "50", "97", "120% P95"
    y: float  # beside the curve's right end


@dataclass(frozen=True)
class Box:
    """Where the curves' image lies in the plot's coordinates (it reaches past the plot's area,
    which clips it)."""

    href: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass
class Plot:
    reference: Reference
    x_label: str
    y_label: str
    corrected: bool  # some point is plotted by corrected age
    curves: Box | None = None  # None without percentiles (sex at birth not recorded)
    curve_names: tuple[CurveName, ...] = ()
    points: list[Point] = field(default_factory=list)
    trace: str = ""  # polyline points joining the child's measurements in date order
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    area_width: int = WIDTH - LEFT - RIGHT
    area_height: int = HEIGHT - TOP - BOTTOM
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM
    label_x: int = WIDTH - RIGHT + 3


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(power * f for f in (1, 2, 2.5, 5, 10) if power * f >= raw)


def _x_range(reference: Reference, placed: list[Assessment]) -> tuple[float, float, float]:
    """(from, to, tick step) of the x axis: the infant charts whole, the 2–20 year chart from 2
    years to a little past the child's last point, so a 5-year-old's curve is not squeezed."""
    first, end = curve_images.x_domain(reference)  # the most a chart of it can show
    if reference is WHO_WEIGHT_FOR_LENGTH:
        low = max(first, math.floor(min(a.x for a in placed) / 5) * 5 - 5)
        high = min(end, math.ceil(max(a.x for a in placed) / 5) * 5 + 5)
        return low, high, 5
    if reference.by == "age_days":
        return first, end, 3
    last = max(a.x for a in placed)
    high = min(end, max(72, math.ceil((last + 12) / 12) * 12))
    return first, high, 12 if high - first <= 120 else 24


def build(reference: Reference, sex: str, placed: list[Assessment]) -> Plot:
    """The plot of one reference with the child's assessments on it (those with a z)."""
    x_from, x_to, x_step = _x_range(reference, placed)
    low, high = _curve_span(reference.key, sex, x_from, x_to)
    values = [a.measurement.value for a in placed]
    low, high = min([low, *values]), max([high, *values])
    y_step = _nice_step(high - low)
    y_from = math.floor(low / y_step) * y_step
    y_to = math.ceil(high / y_step) * y_step
    sx, sy = _scales(x_from, x_to, y_from, y_to)

    by_age = reference is not WHO_WEIGHT_FOR_LENGTH
    plot = Plot(
        reference,
        x_label=_("Length (cm)")
        if not by_age
        else _("Age (months)")
        if x_to <= 24
        else _("Age (years)"),
        y_label=f"{reference.title} ({reference.unit})",
        corrected=by_age and any(a.age.corrected for a in placed),
    )
    plot.curves = _curves_box(reference.key, sex, sx, sy)
    plot.curve_names = _curve_names(reference.key, sex, x_from, x_to, y_from, y_to)
    for a in sorted(placed, key=lambda a: a.measurement.on):
        plot.points.append(Point(sx(a.x), sy(a.measurement.value), _point_title(a, reference)))
    plot.trace = " ".join(f"{p.x},{p.y}" for p in plot.points)
    tick = x_from
    while tick <= x_to + 1e-9:
        shown = tick if x_to <= 24 or not by_age else tick / 12
        plot.x_ticks.append((sx(tick), f"{shown:g}"))
        tick += x_step
    tick = y_from
    while tick <= y_to + 1e-9:
        plot.y_ticks.append((sy(tick), f"{tick:g}"))
        tick += y_step
    return plot


# The percentile curves depend on the reference, the sex and the axes only, not on the child:
# they are an image of their own (growth.curve_images) and what the chart needs of them, their
# span and their names' places, is computed once per process for each (docs/benchmarks.md,
# "Load", eighth and ninth runs). Keyed by the reference's key (references.BY_KEY).


@lru_cache(maxsize=64)
def _bands(key: str, sex: str, x_from: float, x_to: float) -> tuple[Curve, ...]:
    return tuple(curves(BY_KEY[key], sex, x_from, x_to))


@lru_cache(maxsize=64)
def _curve_span(key: str, sex: str, x_from: float, x_to: float) -> tuple[float, float]:
    """The lowest and highest value the curves reach on the x range (±inf without curves)."""
    values = [v for c in _bands(key, sex, x_from, x_to) for _x, v in c.points]
    return min(values, default=math.inf), max(values, default=-math.inf)


@lru_cache(maxsize=256)
def _curve_names(
    key: str, sex: str, x_from: float, x_to: float, y_from: float, y_to: float
) -> tuple[CurveName, ...]:
    _sx, sy = _scales(x_from, x_to, y_from, y_to)
    return tuple(_names(_bands(key, sex, x_from, x_to), sy))


def _curves_box(
    key: str, sex: str, sx: Callable[[float], float], sy: Callable[[float], float]
) -> Box | None:
    drawn = curve_images.image(key, sex)
    if drawn is None:
        return None
    left, top = sx(drawn.x_from), sy(drawn.y_to)
    width = round(sx(drawn.x_to) - left, 1)
    return Box(curve_images.url(key, sex), left, top, width, round(sy(drawn.y_from) - top, 1))


def _scales(
    x_from: float, x_to: float, y_from: float, y_to: float
) -> tuple[Callable[[float], float], Callable[[float], float]]:
    """Data to viewBox coordinates on each axis."""

    def sx(x: float) -> float:
        return round(LEFT + (x - x_from) / (x_to - x_from) * (WIDTH - LEFT - RIGHT), 1)

    def sy(y: float) -> float:
        return round(TOP + (y_to - y) / (y_to - y_from) * (HEIGHT - TOP - BOTTOM), 1)

    return sx, sy


def _names(bands: tuple[Curve, ...], sy: Callable[[float], float]) -> list[CurveName]:
    """The names of the curves that have room for one at their right end: the median first,
    then from the outside in."""
    ends = {c.label: sy(c.points[-1][1]) for c in bands if c.points}
    priority = sorted(ends, key=lambda label: (label != "50", -_distance_from_median(label)))
    kept: list[float] = []
    shown = set()
    for label in priority:
        if all(abs(ends[label] - y) >= LABEL_GAP for y in kept):
            kept.append(ends[label])
            shown.add(label)
    return [CurveName(c.label, ends[c.label] + 3) for c in bands if c.label in shown]


def _distance_from_median(label: str) -> float:
    if label.endswith("P95"):
        return 100
    return abs(float(label) - 50)


def _point_title(assessment: Assessment, reference: Reference) -> str:
    on: date = assessment.measurement.on
    percentile = assessment.percentile or 0
    return _("%(date)s: %(value)s %(unit)s, percentile %(percentile)s") % {
        "date": date_format(on, "SHORT_DATE_FORMAT"),
        "value": f"{assessment.measurement.value:g}",
        "unit": reference.unit,
        "percentile": format_percentile(percentile),
    }


def format_percentile(percentile: float) -> str:
    """One decimal; the tails as "<0.1" and ">99.9", which is all the references can say."""
    if percentile < 0.1:
        return "<0.1"
    if percentile > 99.9:
        return ">99.9"
    return f"{percentile:.1f}"
