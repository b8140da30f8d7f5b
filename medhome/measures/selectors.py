"""What the measures pages read. A practice's own figures are shown unsuppressed to its own
leaders; anything beyond the practice (network comparison) or exported is suppressed
(measures.suppression). The children behind a figure are listed only for the actor's own
practice, and every such list is audited."""

import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.measures import annotations, definitions, engine, strata
from medhome.measures.figures import all_figures
from medhome.measures.periods import Period, months_behind, rolling_points
from medhome.measures.suppression import Cell, suppress_rows, suppress_total
from medhome.practices.models import Practice

# What a practice leader sees first (the "done when": W30 and DEV-CH).
HEADLINE = ("w30_1", "w30_2", "dev")
DRILL_LIMIT = 500
WHICH = ("missing", "met", "all")


@dataclass(frozen=True)
class Figure:
    measure: definitions.Measure
    total: Cell


@dataclass(frozen=True)
class StratumRow:
    cell: Cell
    overall_rate: float | None

    @property
    def gap_points(self) -> float | None:
        """Percentage points between this group and the overall rate (negative = behind)."""
        rate = self.cell.shown_rate
        if rate is None or self.overall_rate is None:
            return None
        return round((rate - self.overall_rate) * 100, 1)


def _own(actor: Actor) -> list:
    if not actor.can(Capability.MEASURES_READ) or actor.practice is None:
        raise PermissionDenied
    return [actor.practice.pk]


def _membership(key: str, practices, period: Period) -> engine.Membership:
    return engine.membership(
        key, practices=practices, period_start=period.start, period_end=period.end
    )


def overview(actor: Actor, period: Period) -> list[Figure]:
    cells = all_figures(
        definitions.MEASURE_ORDER,
        practices=_own(actor),
        period_start=period.start,
        period_end=period.end,
    )
    return [Figure(definitions.get(key), cell) for key, cell in cells.items()]


# Measures whose membership over a period is the disjoint union of its memberships over the
# months of the period, each row keeping its numerator flag: a row belongs to the month of its
# anchor (a birthday, a visit's date) and its numerator window depends on the child alone. A
# rolling year is then the sum of 12 monthly results (tests/test_run_chart checks it). Not so
# for WCV (age on Dec 31), social needs (any visit in the period), `asd` (both birthdays in one
# period) and referrals (the calendar-year cut-off).
MONTHLY_ADDITIVE = frozenset(
    {"w30_1", "w30_2", "dev_1", "dev_2", "dev_3", "dev", "asd_18", "asd_24"}
    | {"cdep_1m", "cdep_2m", "cdep_4m", "cdep_6m", "cdep_visits", "cdep_once", "cdep_once_any"}
)


def run_chart(actor: Actor, key: str, today: date) -> dict:
    """Rolling 12-month rate for each of the last 24 months, with the median of the points
    (the centre line of a run chart)."""
    practices = _own(actor)
    rolling = rolling_points(today)
    if key in MONTHLY_ADDITIVE:  # 35 one-month queries instead of 24 twelve-month ones
        monthly = {
            month.key: strata.total(_membership(key, practices, month))
            for month in months_behind(rolling)
        }
        counts = []
        for point in rolling:
            cells = [
                cell
                for month, cell in monthly.items()
                if point.start.strftime("%Y-%m") <= month <= point.key
            ]
            counts.append((sum(c.numerator for c in cells), sum(c.denominator for c in cells)))
    else:
        counts = []
        for point in rolling:
            cell = strata.total(_membership(key, practices, point))
            counts.append((cell.numerator, cell.denominator))
    return chart(key, rolling, counts)


def chart(key: str, rolling: list[Period], counts: list[tuple[int, int]]) -> dict:
    """The run chart of `key` from its (numerator, denominator) at each rolling point: the
    engine's (run_chart) and the summary table's (measures.summary) alike."""
    points: list[dict[str, Any]] = [
        {
            "month": point.label,
            "n": numerator,
            "d": denominator,
            "rate": round(numerator / denominator * 100, 1) if denominator else None,
        }
        for point, (numerator, denominator) in zip(rolling, counts, strict=True)
    ]
    rates: list[float] = [p["rate"] for p in points if p["rate"] is not None]
    return {
        "key": key,
        "title": gettext(definitions.get(key).title),
        "points": points,
        "median": round(statistics.median(rates), 1) if rates else None,
    }


def chart_annotations(actor: Actor, keys, today: date) -> dict:
    """The marks of the run charts of `keys` (measures.annotations: when each of the practice's
    changes started), for the charts' 24 months: one query per registered provider, all charts
    at once."""
    _own(actor)
    return annotations.annotations_for(actor, keys, rolling_points(today))


def stratified(
    key: str, practices, period: Period, dimension: str, *, suppress: bool
) -> tuple[Cell, list[StratumRow]]:
    membership = _membership(key, practices, period)
    total = strata.total(membership)
    rows = [StratumRow(cell, total.rate) for cell in strata.stratify(membership, dimension)]
    return _suppressed(total, rows, dimension) if suppress else (total, rows)


def equity(actor: Actor, key: str, period: Period, dimension: str):
    """The practice's own strata, unsuppressed (its leaders may see its own counts)."""
    return stratified(key, _own(actor), period, dimension, suppress=False)


class ExportForm:
    """The export's two labelled forms (issue 21): the practice's own quality work sees its
    figures as its dashboard does; a table shared beyond the practice hides counts of 1–10 and
    what would give them back."""

    INTERNAL = "internal"
    SHARED = "shared"
    ALL = (INTERNAL, SHARED)


def export_rows(
    actor: Actor, keys: list[str], period: Period, form: str, figures=None
) -> Iterator[list]:
    """The stratified table for export: every measure × every dimension, unsuppressed for the
    practice's own use or suppressed for sharing. Audited when asked for (before the first row:
    a download cut short is still on the record); rows come one measure at a time. `figures`:
    the summary table's rows for the period (measures.summary), which the export then reads,
    as the dashboard does; without them the engine computes each figure."""
    if form not in ExportForm.ALL:
        raise ValueError(form)
    record(
        actor=actor,
        action=Action.EXPORT,
        object_type="measure_table",
        object_id=keys[0] if len(keys) == 1 else "all",  # the list is in the detail
        at=clock.now(),
        detail={"period": period.key, "measures": keys, "form": form},
    )
    practices = _own(actor)

    def source(key: str, dimension: str) -> tuple[Cell, list[StratumRow]]:
        if figures is not None:
            return figures.equity(key, period, dimension)
        return stratified(key, practices, period, dimension, suppress=False)

    return _export_rows(source, keys, period, suppress=form == ExportForm.SHARED)


def _suppressed(total: Cell, rows: list[StratumRow], dimension: str):
    """What leaves the practice: small counts hidden, and the gaps to the shown overall rate."""
    total = suppress_total(total)
    cells = suppress_rows(
        [row.cell for row in rows], exclusive=strata.DIMENSIONS[dimension].exclusive
    )
    return total, [StratumRow(cell, total.shown_rate) for cell in cells]


def _export_rows(source, keys: list[str], period: Period, *, suppress: bool) -> Iterator[list]:
    for key in keys:
        measure = definitions.get(key)
        # On every row, so a row copied out of the table still says what the figure leaves out.
        simplifications = " | ".join(measure.simplifications)
        for dimension in strata.DIMENSIONS:
            # Unsuppressed, no cell is hidden: what is shown is every count.
            total, cells = source(key, dimension)
            if suppress:
                total, cells = _suppressed(total, cells, dimension)
            for row in [StratumRow(total, total.shown_rate), *cells]:
                cell = row.cell
                rate = cell.shown_rate
                yield [
                    key,
                    str(measure.title),
                    f"{period.start:%Y-%m-%d}",
                    f"{period.end:%Y-%m-%d}",
                    str(strata.DIMENSIONS[dimension].title),
                    cell.label,
                    _blank(cell.shown_numerator),
                    _blank(cell.shown_denominator),
                    "" if rate is None else f"{rate * 100:.1f}",
                    "" if cell.key == "total" else _blank(row.gap_points),
                    "suppressed" if cell.hidden else "",
                    simplifications,
                ]


def _blank(value) -> str:
    return "" if value is None else str(value)


EXPORT_HEADER = [
    "measure",
    "title",
    "period_start",
    "period_end",
    "dimension",
    "group",
    "numerator",
    "denominator",
    "rate_percent",
    "gap_to_overall_points",
    "note",
    "simplifications",
]


# --- the children behind a figure (own practice only, audited) -------------------------------


def may_list_children(actor: Actor, key: str) -> bool:
    """The children behind a figure need the chart; behind a measure of positive screens
    (social-needs intervention) also the right to see screening results (roles.py). A practice
    admin doing QI keeps the figure, its run chart and its equity view — what quality work
    needs — while the named list of children who screened positive stays with the clinical
    team (docs/clinical-rules.md#screening-instruments: results need screening.results)."""
    if not actor.can(Capability.CHART_READ):
        return False
    measure = definitions.get(key)
    if measure.lists_confidential and not actor.can(Capability.SCREENING_DETAIL):
        return False
    return not measure.lists_results or actor.can(Capability.SCREENING_RESULTS)


def children_behind(
    actor: Actor,
    key: str,
    period: Period,
    which: str,
    stratum: tuple[str, str] | None = None,
) -> tuple[list, int]:
    """The children in the numerator ("met"), in the denominator but not the numerator
    ("missing"), or all of the denominator, optionally of one stratum (dimension, group key);
    at most DRILL_LIMIT, with the full count."""
    if not may_list_children(actor, key):
        raise PermissionDenied
    membership = _membership(key, _own(actor), period)
    if stratum is not None:
        membership = strata.only(membership, *stratum)
    rows = membership.queryset
    if which == "met":
        rows = rows.filter(in_numerator=True)
    elif which == "missing":
        rows = rows.filter(in_numerator=False)
    child_ids: QuerySet = rows.order_by().values("member_child_id")
    children = Child.objects.filter(practice=actor.practice, pk__in=child_ids)
    count = children.count()
    listed = list(
        children.select_related("primary_clinician").order_by(
            "legal_family_name", "legal_given_name", "pk"
        )[:DRILL_LIMIT]
    )
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="measure_children",
        object_id=key,
        at=clock.now(),
        detail={
            "period": period.key,
            "which": which,
            "stratum": list(stratum) if stratum else None,
            "count": count,
            "children": [str(child.pk) for child in listed],
        },
    )
    return listed, count


# --- across the network: aggregates only, suppressed ----------------------------------------


def network_practices(actor: Actor) -> list[Practice]:
    if actor.practice is None or not (
        actor.can(Capability.NETWORK_AGGREGATES) or actor.can(Capability.MEASURES_READ)
    ):
        raise PermissionDenied
    network_id = actor.practice.network_id
    if network_id is None:
        return [actor.practice]
    return list(Practice.objects.filter(network_id=network_id).order_by("name"))
