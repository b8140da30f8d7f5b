"""Reading the measures' summary table (models.MeasureFigure, written by services.recompute):
what the dashboard and a measure's page show, in two queries whatever the measures and months —
the practice's refresh row and its figures for the page — and no engine at request time.

Only the actor's own practice's rows are ever read (`_own`). The figures are the practice's
own, unsuppressed, as the engine's `selectors.equity` gives them; whatever leaves the practice
is suppressed when it is read, as before. The strata's names (a language, a site, a clinician)
are given at read time, in the reader's language (`strata.labelled`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.measures import definitions, strata
from medhome.measures.models import ALL_CHILDREN, MeasureFigure, MeasureRefresh
from medhome.measures.periods import Period, rolling_points
from medhome.measures.selectors import Figure, StratumRow, _own, chart
from medhome.measures.suppression import Cell

Span = tuple[date, date]


@dataclass(frozen=True)
class Status:
    """When the practice's figures were computed, and whether a recompute is waiting."""

    computed_at: datetime | None = None
    requested_at: datetime | None = None


@dataclass
class Figures:
    """The rows read for one page: totals by (key, span), strata by (key, span, dimension)."""

    totals: dict[tuple[str, Span], MeasureFigure] = field(default_factory=dict)
    groups: dict[tuple[str, Span, str], list[MeasureFigure]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def has(self, period: Period) -> bool:
        return any(span == (period.start, period.end) for _key, span in self.totals)

    def total(self, key: str, period: Period) -> Cell:
        row = self.totals.get((key, (period.start, period.end)))
        if row is None:
            return Cell("total", _("All children"), 0, 0)
        return Cell(
            "total", _("All children"), row.numerator, row.denominator, False, row.median_days
        )

    def equity(self, key: str, period: Period, dimension: str) -> tuple[Cell, list[StratumRow]]:
        total = self.total(key, period)
        found = self.groups.get((key, (period.start, period.end), dimension), [])
        cells = strata.labelled(dimension, [(r.group, r.numerator, r.denominator) for r in found])
        return total, [StratumRow(cell, total.rate) for cell in cells]

    def computed_at(self) -> datetime | None:
        """When the rows read were computed (a recompute stamps all of a practice's rows alike)."""
        return max((row.computed_at for row in self.totals.values()), default=None)

    def chart(self, key: str, rolling: list[Period]) -> dict:
        counts = []
        for point in rolling:
            cell = self.total(key, point)
            counts.append((cell.numerator, cell.denominator))
        return chart(key, rolling, counts)


def status(actor: Actor, figures: "Figures | None" = None) -> Status:
    """When the figures shown were computed — the rows' own stamp when `figures` were read (a
    read replica may serve them a little behind the refresh row, medhome.core.replica) — and
    whether a recompute is waiting."""
    _own(actor)
    refresh = MeasureRefresh.objects.filter(practice=actor.practice).first()
    if refresh is None:
        return Status()
    shown = figures.computed_at() if figures is not None else None
    return Status(shown or refresh.computed_at, refresh.requested_at)


def read(
    actor: Actor,
    *,
    period: Period,
    keys,
    dimensions=(),
    chart_keys=(),
    today: date,
) -> Figures:
    """One query: every measure's total over `period`, the strata of `keys` by `dimensions`
    over `period`, and the rolling points of the run charts of `chart_keys`."""
    practice = _own(actor)[0]
    rolling = rolling_points(today)
    wanted = Q(period_start=period.start, period_end=period.end) & (
        Q(dimension=ALL_CHILDREN) | Q(dimension__in=list(dimensions), measure_key__in=list(keys))
    )
    if chart_keys:
        wanted |= Q(
            dimension=ALL_CHILDREN,
            measure_key__in=list(chart_keys),
            period_end__in=[point.end for point in rolling],
        )
    found = Figures()
    for row in MeasureFigure.objects.filter(wanted, practice_id=practice):
        span = (row.period_start, row.period_end)
        if row.dimension == ALL_CHILDREN:
            found.totals[(row.measure_key, span)] = row
        else:
            found.groups[(row.measure_key, span, row.dimension)].append(row)
    return found


def overview(figures: Figures, period: Period) -> list[Figure]:
    return [
        Figure(definitions.get(key), figures.total(key, period))
        for key in definitions.MEASURE_ORDER
    ]
