"""Writing the measures' summary table (models.MeasureFigure): the worker's recompute, and a
person's "Recompute now".

`recompute` runs the engine set-based — `figures.all_figures` (batched) for every measure's
total over every period the pages offer and every month of the run charts, and
`strata.stratify` (one GROUP BY per measure and dimension) for the periods of the period picker —
outside any transaction (all_figures may use several connections), then replaces the practice's
rows in one transaction: a reader sees the old figures or the new ones, never a mix.

What "the data changed" means (a practice that chose `on_change`): every write to a child's
record is audited in its own transaction (house rule 1), so the practice's audit chain is its
change log. Before computing, the recompute keeps the chain's position; the sweep
(`jobs.refresh`, every 5 minutes) recomputes an `on_change` practice when a create or update
event follows that position. One indexed probe per practice (the chain's unique (practice,
sequence)), and no app that writes visits, screens or referrals needs to know about measures. A
write that changes nothing the measures read (a team note) triggers a recompute too: harmless,
it costs a recompute, never a stale figure.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from medhome.accounts.roles import Capability
from medhome.audit.models import Action, AuditChainHead, AuditEvent
from medhome.audit.services import record
from medhome.core import replica
from medhome.core.actor import Actor
from medhome.jobs.services import enqueue_run
from medhome.measures import definitions, engine, periods, strata
from medhome.measures.figures import all_figures
from medhome.measures.models import ALL_CHILDREN, MeasureFigure, MeasureRefresh
from medhome.practices.models import MeasuresRefresh, Practice

# The audit entry of a person asking for a recompute; not a change of the record, so the
# on_change sweep does not read it as one.
REQUEST_OBJECT = "measure_recompute"
REFRESH_JOB = "measures.refresh"  # jobs.py


@dataclass(frozen=True)
class Recomputed:
    figures: int  # rows written
    computed_at: datetime


def summary_periods(today: date) -> tuple[list[periods.Period], list[periods.Period]]:
    """(the period picker's periods, the run charts' rolling 12-month points) as of `today`:
    what the pages read. The last point is the picker's "12 months" (same dates, one row)."""
    return periods.choices(today), periods.rolling_points(today)


def recompute(
    practice: Practice, *, at: datetime, today: date, keys: list[str] | None = None
) -> Recomputed:
    """Recompute every figure the measures pages read for `practice` as of `today` and replace
    its rows; idempotent (the same data give the same rows). `keys` limits it to some measures
    (their rows alone are replaced; a benchmark or a test)."""
    # Everything computed is read from the read replica while it keeps up (core.replica):
    # the heavy part of a network's nightly work, off the primary. The chain position is read
    # there too, so it matches the rows read; the figures are written to the primary below.
    with replica.reading_replica():
        seen = (
            AuditChainHead.objects.filter(practice=practice)
            .values_list("sequence", flat=True)
            .first()
            or 0
        )
        picker, rolling = summary_periods(today)
        measures = list(keys) if keys is not None else list(definitions.MEASURE_ORDER)
        ids = [practice.pk]
        rows: list[MeasureFigure] = []

        def figure(key, period, dimension, group, numerator, denominator, median=None):
            return MeasureFigure(
                practice=practice,
                measure_key=key,
                period_start=period.start,
                period_end=period.end,
                dimension=dimension,
                group=group,
                numerator=numerator,
                denominator=denominator,
                median_days=median,
                computed_at=at,
            )

        spans = {(p.start, p.end): p for p in [*picker, *rolling]}
        for period in spans.values():
            totals = all_figures(
                measures, practices=ids, period_start=period.start, period_end=period.end
            )
            rows += [
                figure(
                    key,
                    period,
                    ALL_CHILDREN,
                    ALL_CHILDREN,
                    c.numerator,
                    c.denominator,
                    c.median_days,
                )
                for key, c in totals.items()
            ]
        for period in picker:
            for key in measures:
                membership = engine.membership(
                    key, practices=ids, period_start=period.start, period_end=period.end
                )
                for dimension, groups in strata.stratify_all(membership).items():
                    rows += [figure(key, period, dimension, *group) for group in groups]
    stale = MeasureFigure.objects.filter(practice=practice)
    if keys is not None:
        stale = stale.filter(measure_key__in=measures)
    with transaction.atomic():
        stale.delete()
        MeasureFigure.objects.bulk_create(rows, batch_size=2000)
        refresh, _created = MeasureRefresh.objects.select_for_update().get_or_create(
            practice=practice
        )
        refresh.computed_at, refresh.audit_sequence = at, seen
        # A request made while this ran may have come after the data it read: it stays.
        if refresh.requested_at is not None and refresh.requested_at <= at:
            refresh.requested_at = None
        refresh.save()
    return Recomputed(figures=len(rows), computed_at=at)


def request_recompute(*, actor: Actor, at: datetime) -> MeasureRefresh:
    """A person with the measures asks for the practice's figures now: marked on the practice's
    row for the worker's next sweep (`jobs.refresh`, minutes), audited as who asked."""
    if not actor.can(Capability.MEASURES_READ) or actor.practice is None:
        raise PermissionDenied
    with transaction.atomic():
        refresh, _created = MeasureRefresh.objects.select_for_update().get_or_create(
            practice=actor.practice
        )
        first = refresh.requested_at is None
        if first:
            refresh.requested_at = at
            refresh.save(update_fields=["requested_at"])
            # A run of the sweep now, so the worker takes it at once rather than at the next
            # 5-minute slot; if that slot is taken, the slot's own run sweeps the request.
            try:
                with transaction.atomic():
                    enqueue_run(job=REFRESH_JOB, slot=at, now=at)
            except IntegrityError:
                pass
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=REQUEST_OBJECT,
            object_id=actor.practice_id,
            at=at,
        )
    return refresh


def due_for_refresh() -> list[Practice]:
    """Practices whose figures the frequent sweep recomputes: someone asked, or the practice
    chose `on_change` and its record changed (a create or update audited) since its figures."""
    seen = Coalesce(
        MeasureRefresh.objects.filter(practice=OuterRef("pk")).values("audit_sequence")[:1],
        Value(-1),
    )
    changed = AuditEvent.objects.filter(
        practice=OuterRef("pk"),
        sequence__gt=OuterRef("seen"),
        action__in=[Action.CREATE, Action.UPDATE],
    ).exclude(object_type=REQUEST_OBJECT)
    asked = MeasureRefresh.objects.filter(practice=OuterRef("pk"), requested_at__isnull=False)
    return list(
        Practice.objects.annotate(seen=seen)
        .filter(
            Q(Exists(asked)) | Q(measures_refresh=MeasuresRefresh.ON_CHANGE) & Q(Exists(changed))
        )
        .order_by("name")
    )


def due_nightly(since: datetime) -> list[Practice]:
    """Every practice whose figures were not computed since `since` (the night's slot): a run
    that died half-way and is tried again does only what is left."""
    done = MeasureRefresh.objects.filter(practice=OuterRef("pk"), computed_at__gte=since)
    return list(Practice.objects.filter(~Exists(done)).order_by("name"))
