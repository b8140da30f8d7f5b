"""Reads of improvement cycles. A practice's own cycles through the tenancy scope (another
practice's cycle is a 404); the network's cycles as aggregates — the cycle, and its practice's
figure of the measure before and after the change, small counts suppressed
(docs/clinical-rules.md#small-cell-suppression) — never a child.

The figures of a whole page are one query: one aggregate per cycle and window, put together with
UNION ALL, so the network page's query count does not grow with its cycles.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField as CharOutput
from django.db.models import Count, Q, QuerySet, Value
from django.http import Http404
from django.urls import reverse

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.measures import definitions, engine, strata
from medhome.measures.annotations import Annotation
from medhome.measures.suppression import Cell, suppress_total
from medhome.periodicity.windows import add_months
from medhome.practices.scoping import scoped

from .models import Cycle, CycleChange

READ = Capability.MEASURES_READ
# The network page shows the newest cycles first, at most this many (each one is two parts of
# the figures' one query; SQLite allows 500 parts to a compound SELECT).
NETWORK_LIMIT = 100
WINDOW_MONTHS = 12


def cycles(actor: Actor) -> QuerySet[Cycle]:
    return (
        scoped(actor, Cycle, need=READ)
        .select_related("owner", "recommendation", "adopted_from__practice")
        .order_by("-created_at")
    )


def access_cycle(actor: Actor, cycle_id: UUID | str) -> Cycle:
    try:
        return cycles(actor).get(pk=cycle_id)
    except (Cycle.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404 from missing


def history(cycle: Cycle) -> QuerySet[CycleChange]:
    return CycleChange.objects.filter(cycle=cycle).select_related("by").order_by("at")


def may_read_network(actor: Actor) -> bool:
    return actor.practice is not None and (
        actor.can(Capability.NETWORK_AGGREGATES) or actor.can(Capability.MEASURES_READ)
    )


def _network_scope(actor: Actor) -> Q:
    if not may_read_network(actor):
        raise PermissionDenied
    network_id = actor.practice.network_id
    if network_id is None:
        return Q(practice=actor.practice)
    return Q(practice__network_id=network_id)


def access_network_cycle(actor: Actor, cycle_id: UUID | str) -> Cycle:
    """A cycle of any practice of the actor's network (what "adopt this change" copies)."""
    try:
        return Cycle.objects.filter(_network_scope(actor)).get(pk=cycle_id)
    except (Cycle.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404 from missing


# --- the network's cycles, with their figures -------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: date
    end: date


def windows(started_on: date | None, today: date) -> tuple[Window | None, Window | None]:
    """Before: the 12 whole months before the month the change started. After: from that month
    for up to 12 months, whole months only (None until its first month is over)."""
    if started_on is None:
        return None, None
    month = started_on.replace(day=1)
    before = Window(add_months(month, -WINDOW_MONTHS), month - timedelta(days=1))
    last_whole = today.replace(day=1) - timedelta(days=1)
    end = min(add_months(month, WINDOW_MONTHS) - timedelta(days=1), last_whole)
    return before, (Window(month, end) if end >= month else None)


@dataclass(frozen=True)
class NetworkRow:
    cycle: Cycle
    measure: Any
    own: bool
    before: Window | None
    after: Window | None
    before_cell: Cell | None
    after_cell: Cell | None

    @property
    def cells(self) -> list[Cell | None]:
        return [self.before_cell, self.after_cell]


def _part(cycle: Cycle, tag: str, window: Window) -> QuerySet | None:
    membership = engine.membership(
        cycle.measure_key,
        practices=[cycle.practice_id],
        period_start=window.start,
        period_end=window.end,
    )
    if cycle.stratum_dimension:
        membership = strata.only(membership, cycle.stratum_dimension, cycle.stratum_group)
    rows = membership.queryset
    if not rows.query.is_empty():
        return (
            rows.order_by()
            .annotate(tag=Value(tag, output_field=CharOutput()))
            .values("tag")
            .annotate(denominator=Count("pk"), numerator=Count("pk", filter=Q(in_numerator=True)))
            .values_list("tag", "numerator", "denominator")
        )
    return None


def _figures(parts: list[QuerySet]) -> dict[str, tuple[int, int]]:
    if not parts:
        return {}
    # No ORDER BY on the whole (the model's default ordering names no column of the union).
    combined = (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]).order_by()
    return {tag: (numerator, denominator) for tag, numerator, denominator in combined}


def network_cycles(actor: Actor, today: date) -> list[NetworkRow]:
    cycles_ = list(
        Cycle.objects.filter(_network_scope(actor))
        .select_related("practice")
        .order_by("practice__name", "-started_on", "-created_at")[:NETWORK_LIMIT]
    )
    spans = {cycle.pk: windows(cycle.started_on, today) for cycle in cycles_}
    parts: list[QuerySet] = []
    for cycle in cycles_:
        if cycle.measure_key not in definitions.MEASURES:
            continue
        for tag, window in zip(("before", "after"), spans[cycle.pk], strict=True):
            part = _part(cycle, f"{cycle.pk}:{tag}", window) if window is not None else None
            if part is not None:
                parts.append(part)
    counts = _figures(parts)

    def cell(cycle: Cycle, tag: str, window: Window | None) -> Cell | None:
        if window is None:
            return None
        numerator, denominator = counts.get(f"{cycle.pk}:{tag}", (0, 0))
        return suppress_total(Cell(tag, tag, numerator, denominator))

    return [
        NetworkRow(
            cycle=cycle,
            measure=definitions.MEASURES.get(cycle.measure_key),
            own=cycle.practice_id == actor.practice_id,
            before=spans[cycle.pk][0],
            after=spans[cycle.pk][1],
            before_cell=cell(cycle, "before", spans[cycle.pk][0]),
            after_cell=cell(cycle, "after", spans[cycle.pk][1]),
        )
        for cycle in cycles_
    ]


# --- the run charts' marks (measures.annotations) ----------------------------------------------


def chart_annotations(actor: Actor, keys, first: date, last: date) -> list[Annotation]:
    """The practice's own changes that started in the charts' months: one query."""
    rows = (
        scoped(actor, Cycle, need=READ)
        .filter(measure_key__in=list(keys), started_on__range=(first, last))
        .order_by("started_on", "title")
        .values_list("pk", "measure_key", "started_on", "title")
    )
    return [
        Annotation(key, on, title, reverse("improvement:detail", kwargs={"cycle_id": pk}))
        for pk, key, on, title in rows
        if on is not None  # the range filter already excludes a cycle not yet started
    ]
