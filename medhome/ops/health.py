"""Readiness (`/readyz`): can this installation do its work right now?

Four cheap checks, each one or two indexed queries: the database answers, a background worker
beat recently, no due task has waited too long, and every practice's audit chain head matches its
newest event; with a read replica, a fifth says how far behind it is (never failing: behind its
bound the primary serves). The answer names the checks and gives ages in seconds, nothing else:
no practice, no worker host, no task, no person. Liveness (`/healthz`, medhome.core.views)
touches nothing.

The full hash-chain verification is `manage.py verify_audit_chain`: it reads every event, far too
slow for a probe that runs every few seconds.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Case, F, IntegerField, Max, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Greatest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from medhome.audit.models import AuditChainAnchor, AuditChainHead, AuditEvent
from medhome.core import replica
from medhome.jobs.models import WorkerHeartbeat
from medhome.practices.models import Practice

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    # Seconds since the thing checked last happened; None when it never did (no worker ever
    # beat, no task is waiting).
    age_seconds: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": self.ok}
        if self.age_seconds is not None:
            answer["age_seconds"] = self.age_seconds
        return answer | self.extra


def _seconds(now: datetime, then: datetime) -> int:
    return max(int((now - then).total_seconds()), 0)


def database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(ok=True)


def worker(*, now: datetime) -> Check:
    """A scheduling worker that has not stopped beat within MEDHOME_READY_WORKER_SECONDS. It
    also takes tasks; workers started with --no-scheduler alone would run the queue but never
    fill it with the periodic jobs (reminders, escalations)."""
    newest = WorkerHeartbeat.objects.filter(stopped_at__isnull=True, runs_schedule=True).aggregate(
        newest=Max("last_seen_at")
    )["newest"]
    if newest is None:
        return Check(ok=False)
    age = _seconds(now, newest)
    return Check(ok=age <= settings.MEDHOME_READY_WORKER_SECONDS, age_seconds=age)


def queue(*, now: datetime) -> Check:
    """The task that has waited longest since it became due (enqueued, or its retry's run_after)
    has waited at most MEDHOME_READY_QUEUE_SECONDS. A retry waiting for its back-off is not due,
    so it does not count."""
    date_max = get_date_max()
    due_since = Case(
        When(run_after=date_max, then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    oldest = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .filter(Q(run_after=date_max) | Q(run_after__lte=now))
        .aggregate(oldest=Min(due_since))["oldest"]
    )
    if oldest is None:
        return Check(ok=True)
    age = _seconds(now, oldest)
    return Check(ok=age <= settings.MEDHOME_READY_QUEUE_SECONDS, age_seconds=age)


def audit_chain() -> Check:
    """Every practice with audit events has a head at its newest event's sequence.

    One query over the practices: the newest sequence is an index descent per practice on
    (practice, sequence), so a large audit table costs no more than a small one (a GROUP BY over
    all events would read every row). A practice out of step is counted in the log, never named.
    """
    newest = (
        AuditEvent.objects.filter(practice=OuterRef("pk"))
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    head = AuditChainHead.objects.filter(practice=OuterRef("pk")).values("sequence")[:1]
    # Retention may have dropped all of a quiet practice's events: its head then stands at the
    # anchor the retention job left, not past missing rows.
    anchor = AuditChainAnchor.objects.filter(practice=OuterRef("pk")).values("sequence")[:1]
    out_of_step = (
        Practice.objects.annotate(
            newest=Subquery(newest, output_field=IntegerField()),
            head=Subquery(head, output_field=IntegerField()),
            anchor=Coalesce(Subquery(anchor, output_field=IntegerField()), 0),
        )
        .filter(
            (Q(newest__isnull=False) & (Q(head__isnull=True) | ~Q(head=F("newest"))))
            | Q(newest__isnull=True, head__gt=F("anchor"))  # events gone from under their head
        )
        .count()
    )
    if out_of_step:
        logger.error("readiness: %d practice audit chain head(s) out of step", out_of_step)
    return Check(ok=not out_of_step)


def replica_lag() -> Check:
    """The read replica, when there is one (medhome.core.replica): how far behind it is and
    whether it serves the measures. Always ok: behind its bound it is passed over for the
    primary, so this installation still does its work."""
    found = replica.lag(fresh=True)
    lag_seconds = None if found.seconds is None else round(found.seconds, 1)
    return Check(ok=True, extra={"lag_seconds": lag_seconds, "serving": found.serves})


def readiness(*, now: datetime) -> tuple[bool, dict[str, dict[str, Any]]]:
    """(ready, checks by name). A database that does not answer skips the other checks: each
    would wait for the same dead connection."""
    checks: dict[str, Check] = {}
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("database", database),
        ("worker", lambda: worker(now=now)),
        ("queue", lambda: queue(now=now)),
        ("audit_chain", audit_chain),
    ]
    if replica.configured():
        steps.append(("replica", replica_lag))
    for name, step in steps:
        try:
            checks[name] = step()
        except DatabaseError as error:
            # The error's class only: a database error's message may quote a row.
            logger.error("readiness: %s check failed: %s", name, type(error).__qualname__)
            checks[name] = Check(ok=False, extra={"error": "database"})
            if name == "database":
                break
    ready = len(checks) == len(steps) and all(check.ok for check in checks.values())
    return ready, {name: check.as_json() for name, check in checks.items()}
