"""The network page's figures, read from the summary table (models.MeasureFigure) the worker
writes for each practice (services.recompute): three queries whatever the network's size — its
practices, their figures for the period, and when they were computed — and no engine at request
time.

Practices are mutually exclusive rows of the network (a child belongs to one practice), so the
network's count is the sum of the practices' counts, per measure and per stratum (a site or a
clinician is one practice's own group; a child counted in several race categories is counted so
in each practice alike). Everything here leaves the practice: suppressed when read, as the live
engine's figures were (selectors._suppressed, complementary suppression across practices). A
practice whose figures for the period are not computed yet is named, shown as pending, and left
out of the network's sums rather than counted as zero. A median (days to close) cannot be summed:
the network's figures carry none.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Min, Q
from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.measures import definitions, strata
from medhome.measures.models import ALL_CHILDREN, MeasureFigure, MeasureRefresh
from medhome.measures.periods import Period
from medhome.measures.selectors import StratumRow, _suppressed, network_practices
from medhome.measures.suppression import Cell, suppress_rows, suppress_total
from medhome.practices.models import Practice


@dataclass
class NetworkFigures:
    practices: list[Practice]
    pending: list[Practice]  # no figures for the period yet: left out of the sums
    rows: list[dict] = field(default_factory=list)  # per measure: total and practices' cells
    equity_total: Cell | None = None
    equity_rows: list[StratumRow] = field(default_factory=list)
    # The oldest of the counted practices' computations: every figure is at least this fresh.
    computed_since: datetime | None = None


def read(actor: Actor, *, period: Period, equity_key: str, dimension: str) -> NetworkFigures:
    practices = network_practices(actor)
    wanted = Q(dimension=ALL_CHILDREN) | Q(measure_key=equity_key, dimension=dimension)
    totals: dict[tuple[object, str], tuple[int, int]] = {}
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    found = MeasureFigure.objects.filter(
        wanted,
        practice__in=[p.pk for p in practices],
        period_start=period.start,
        period_end=period.end,
    ).values_list("practice_id", "measure_key", "dimension", "group", "numerator", "denominator")
    for practice_id, key, row_dimension, group, numerator, denominator in found:
        if row_dimension == ALL_CHILDREN:
            totals[(practice_id, key)] = (numerator, denominator)
        else:
            groups[group][0] += numerator
            groups[group][1] += denominator
    ready = {practice_id for practice_id, _key in totals}
    result_since = (
        MeasureRefresh.objects.filter(practice_id__in=list(ready)).aggregate(at=Min("computed_at"))[
            "at"
        ]
        if ready
        else None
    )
    result = NetworkFigures(
        practices=practices,
        pending=[p for p in practices if p.pk not in ready],
        computed_since=result_since,
    )
    for key in definitions.MEASURE_ORDER:
        cells = [
            Cell(str(p.pk), p.name, *totals.get((p.pk, key), (0, 0)))
            for p in practices
            if p.pk in ready
        ]
        result.rows.append(
            {
                "measure": definitions.get(key),
                "total": suppress_total(_sum(cells)),
                "practices": _with_pending(suppress_rows(cells, exclusive=True), practices),
            }
        )
    total = _sum(
        [Cell(str(p.pk), p.name, *totals.get((p.pk, equity_key), (0, 0))) for p in practices]
    )
    stratum_rows = strata.labelled(dimension, [(g, n, d) for g, (n, d) in groups.items()])
    result.equity_total, result.equity_rows = _suppressed(
        total, [StratumRow(cell, total.rate) for cell in stratum_rows], dimension
    )
    return result


def _sum(cells: list[Cell]) -> Cell:
    return Cell(
        "total",
        str(_("All children")),
        sum(c.numerator for c in cells),
        sum(c.denominator for c in cells),
    )


def _with_pending(cells: list[Cell], practices: list[Practice]) -> list[Cell | None]:
    """One cell per practice in the network's order; None for a practice not computed yet."""
    by_practice = {cell.key: cell for cell in cells}
    return [by_practice.get(str(p.pk)) for p in practices]
