"""The percentile curves of each growth reference as one image per reference and sex, over the
reference's whole range, which every chart shows under its child's points.

The curves are the same for every child: drawn into each chart's page they were 33 of its
74 kB (docs/benchmarks.md, "Load", ninth run). As an image they are drawn once per process,
sent once and kept by the browser, and the page keeps only what is the child's own: the points,
the axes and the curves' names. The image holds published reference
data only (WHO 2006, CDC 2000 and 2022), nothing of a child, so its URL carries nothing but the
reference and the sex, and the image may be cached anywhere.

Geometry: the image maps the reference's whole x range and its curves' values (with a margin)
onto a square of IMAGE_SIZE units and is stretched to that box in the chart's own coordinates
(preserveAspectRatio="none"), clipped to the plot's area. `vector-effect="non-scaling-stroke"`
keeps the lines' widths and dashes those of the page, however far a chart stretches the image.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import reverse

from .charts import curves
from .references import BY_KEY, REFERENCES, WHO_WEIGHT_FOR_LENGTH, Reference

IMAGE_SIZE = 10_000  # units on each side: whole units are precise enough at any stretch
MARGIN = 0.02  # of the value span above and below, so no line's stroke touches the edge
SEXES = ("female", "male")


def x_domain(reference: Reference) -> tuple[float, float]:
    """The whole x range a chart of this reference can show (growth.plots chooses a part)."""
    if reference is WHO_WEIGHT_FOR_LENGTH:
        return 45, 110  # cm
    if reference.by == "age_days":
        return 0, 24  # months
    return 24, 240  # months


@dataclass(frozen=True)
class Path:
    d: str
    median: bool
    dashed: bool


@dataclass(frozen=True)
class CurveImage:
    """One reference's curves for one sex, and the values its square spans."""

    x_from: float
    x_to: float
    y_from: float
    y_to: float
    paths: tuple[Path, ...]
    svg: bytes
    version: str  # a digest of the drawing: a new drawing gets a new URL


@lru_cache(maxsize=len(REFERENCES) * len(SEXES))
def image(key: str, sex: str) -> CurveImage | None:
    """The curves' image of a reference (by its key) and a sex at birth; None for a reference
    or a sex the growth charts do not have."""
    reference = BY_KEY.get(key)
    if reference is None or sex not in SEXES:
        return None
    x_from, x_to = x_domain(reference)
    bands = [c for c in curves(reference, sex, x_from, x_to) if c.points]
    values = [value for c in bands for _x, value in c.points]
    low, high = min(values), max(values)
    pad = (high - low) * MARGIN
    y_from, y_to = low - pad, high + pad

    def ix(x: float) -> int:
        return round((x - x_from) / (x_to - x_from) * IMAGE_SIZE)

    def iy(y: float) -> int:
        return round((y_to - y) / (y_to - y_from) * IMAGE_SIZE)

    paths = tuple(
        Path("M" + " L".join(f"{ix(x)},{iy(y)}" for x, y in c.points), c.median, c.dashed)
        for c in bands
    )
    svg = render_to_string("growth/curves.svg", {"size": IMAGE_SIZE, "paths": paths}).encode()
    version = hashlib.sha256(svg).hexdigest()[:12]
    return CurveImage(x_from, x_to, y_from, y_to, paths, svg, version)


@lru_cache(maxsize=len(REFERENCES) * len(SEXES))
def url(key: str, sex: str) -> str:
    drawn = image(key, sex)
    assert drawn is not None, (key, sex)
    address = reverse("growth:curves", kwargs={"reference_key": key, "sex": sex})
    return f"{address}?v={drawn.version}"
