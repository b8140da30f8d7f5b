"""What the measures pages read. A practice's own figures are shown unsuppressed to its own
leaders; anything beyond the practice (network comparison) or exported is suppressed
(measures.suppression). The children behind a figure are listed only for the actor's own
practice, and every such list is audited."""

import statistics
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
from medhome.measures import definitions, engine, strata
from medhome.measures.periods import Period, rolling_points
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
    practices = _own(actor)
    return [
        Figure(definitions.get(key), strata.total(_membership(key, practices, period)))
        for key in definitions.MEASURE_ORDER
    ]


def run_chart(actor: Actor, key: str, today: date) -> dict:
    """Rolling 12-month rate for each of the last 24 months, with the median of the points
    (the centre line of a run chart)."""
    practices = _own(actor)
    points: list[dict[str, Any]] = []
    for point in rolling_points(today):
        cell = strata.total(_membership(key, practices, point))
        points.append(
            {
                "month": point.label,
                "n": cell.numerator,
                "d": cell.denominator,
                "rate": None if cell.rate is None else round(cell.rate * 100, 1),
            }
        )
    rates: list[float] = [p["rate"] for p in points if p["rate"] is not None]
    return {
        "key": key,
        "title": gettext(definitions.get(key).title),
        "points": points,
        "median": round(statistics.median(rates), 1) if rates else None,
    }


def stratified(
    key: str, practices, period: Period, dimension: str, *, suppress: bool
) -> tuple[Cell, list[StratumRow]]:
    membership = _membership(key, practices, period)
    total = strata.total(membership)
    cells = strata.stratify(membership, dimension)
    if suppress:
        total = suppress_total(total)
        cells = suppress_rows(cells, exclusive=strata.DIMENSIONS[dimension].exclusive)
    overall = total.shown_rate if suppress else total.rate
    return total, [StratumRow(cell, overall) for cell in cells]


def equity(actor: Actor, key: str, period: Period, dimension: str):
    """The practice's own strata, unsuppressed (its leaders may see its own counts)."""
    return stratified(key, _own(actor), period, dimension, suppress=False)


def export_rows(actor: Actor, keys: list[str], period: Period) -> list[list]:
    """The stratified table for export: every measure × every dimension, suppressed."""
    practices = _own(actor)
    rows: list[list] = []
    for key in keys:
        measure = definitions.get(key)
        for dimension in strata.DIMENSIONS:
            total, cells = stratified(key, practices, period, dimension, suppress=True)
            for row in [StratumRow(total, total.shown_rate), *cells]:
                cell = row.cell
                rate = cell.shown_rate
                rows.append(
                    [
                        key,
                        str(measure.title),
                        f"{period.start:%Y-%m-%d}",
                        f"{period.end:%Y-%m-%d}",
                        str(strata.DIMENSIONS[dimension].title),
                        cell.label,
                        _blank(cell.shown_numerator),
                        _blank(cell.shown_denominator),
                        "" if rate is None else f"{rate * 100:.1f}",
                        "" if row is None or cell.key == "total" else _blank(row.gap_points),
                        "suppressed" if cell.hidden else "",
                    ]
                )
    record(
        actor=actor,
        action=Action.EXPORT,
        object_type="measure_table",
        object_id=",".join(keys)[:200],
        at=clock.now(),
        detail={"period": period.key, "measures": keys, "rows": len(rows)},
    )
    return rows


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
]


# --- the children behind a figure (own practice only, audited) -------------------------------


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
    if not actor.can(Capability.CHART_READ):
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


def network_comparison(actor: Actor, keys, period: Period) -> dict:
    """Per measure: one suppressed row per practice of the actor's network, plus the network
    total. Practices are mutually exclusive rows of the network total, so complementary
    suppression applies."""
    practices = network_practices(actor)
    table = []
    for key in [k for k in definitions.MEASURE_ORDER if k in keys]:
        membership = _membership(key, practices, period)
        cells = strata.stratify_by_practice(membership, {p.pk: p.name for p in practices})
        table.append(
            {
                "measure": definitions.get(key),
                "total": suppress_total(strata.total(membership)),
                "practices": suppress_rows(cells, exclusive=True),
            }
        )
    return {"practices": practices, "rows": table}


def network_equity(actor: Actor, key: str, period: Period, dimension: str):
    """The network's strata for one measure, all its practices together, suppressed."""
    return stratified(key, network_practices(actor), period, dimension, suppress=True)
