"""Reads for operations: is a worker alive, how old is the queue, which runs failed. A readiness
endpoint or a staff page reads these; nothing here carries PHI."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from .models import JobRun, RunStatus, WorkerHeartbeat
from .workers import ready_tasks


@dataclass(frozen=True)
class WorkerHealth:
    alive_workers: int
    scheduling_workers: int
    last_seen_at: datetime | None
    ready_tasks: int
    queue_age: timedelta | None  # how long the longest-waiting due task has waited
    failed_runs: int  # runs that ended failed in the last day

    @property
    def ok(self) -> bool:
        return self.alive_workers > 0 and self.scheduling_workers > 0


def worker_health(*, now: datetime) -> WorkerHealth:
    alive = WorkerHeartbeat.objects.filter(
        stopped_at__isnull=True,
        last_seen_at__gte=now - timedelta(seconds=settings.MEDHOME_WORKER_DEAD_AFTER_SECONDS),
    )
    last = WorkerHeartbeat.objects.order_by("-last_seen_at").values_list("last_seen_at", flat=True)
    count, oldest = ready_tasks(now)
    return WorkerHealth(
        alive_workers=alive.count(),
        scheduling_workers=alive.filter(runs_schedule=True).count(),
        last_seen_at=last.first(),
        ready_tasks=count,
        queue_age=(now - oldest) if oldest else None,
        failed_runs=JobRun.objects.filter(
            status=RunStatus.FAILED, finished_at__gte=now - timedelta(days=1)
        ).count(),
    )


def recent_runs(*, limit: int = 50) -> list[JobRun]:
    return list(JobRun.objects.order_by("-enqueued_at")[:limit])


def failed_runs(*, since: datetime) -> list[JobRun]:
    return list(
        JobRun.objects.filter(status=RunStatus.FAILED, finished_at__gte=since).order_by(
            "-finished_at"
        )
    )
