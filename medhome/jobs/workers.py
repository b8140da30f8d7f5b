"""Worker liveness and recovery: heartbeats, tasks left RUNNING by a dead worker, pruning.

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever resets it if that
worker is killed (kill -9, a lost machine): measured, shared/docs/dependencies.md. Each worker
therefore beats into WorkerHeartbeat, and every tick any worker re-queues the RUNNING tasks of
workers no longer beating. Re-running is safe because tasks are idempotent (docs/architecture.md,
"Background work"); a task that keeps killing its worker ends as a recorded failure.
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import JobRun, RunStatus, WorkerHeartbeat
from .services import attempt_failed

logger = logging.getLogger(__name__)

WORKER_LOST = "medhome.jobs.WorkerLost"


def ready_tasks(now: datetime) -> "tuple[int, datetime | None]":
    """How many tasks are due and waiting, and since when the oldest has been due."""
    due = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=now)
    )
    oldest = due.aggregate(enqueued=Min("enqueued_at"))["enqueued"]
    return due.count(), oldest


def beat(*, worker_id: str, host: str, pid: int, runs_schedule: bool, now: datetime) -> None:
    count, oldest = ready_tasks(now)
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen_at=now, ready_tasks=count, oldest_ready_at=oldest
    )
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=host[:255],
            pid=pid,
            runs_schedule=runs_schedule,
            started_at=now,
            last_seen_at=now,
            ready_tasks=count,
            oldest_ready_at=oldest,
        )


def mark_stopped(*, worker_id: str, now: datetime) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=now, last_seen_at=now)


def recover_abandoned(*, now: datetime) -> int:
    """Give the tasks of dead workers another go; how many were recovered.

    A task is abandoned when its last worker has stopped beating (or stopped), or — for a worker
    that never beat, such as a bare `db_worker` — when it has been RUNNING longer than
    MEDHOME_TASK_STALE_SECONDS. It goes back to READY under the same id (the worker ids on it
    count its attempts), or, past MEDHOME_JOB_MAX_ATTEMPTS, ends FAILED as WorkerLost.
    """
    dead_before = now - timedelta(seconds=settings.MEDHOME_WORKER_DEAD_AFTER_SECONDS)
    stale_before = now - timedelta(seconds=settings.MEDHOME_TASK_STALE_SECONDS)
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    if not running:
        return _settle_interrupted_runs(now)
    workers = {
        each.worker_id: each
        for each in WorkerHeartbeat.objects.filter(
            worker_id__in={t.worker_ids[-1] for t in running if t.worker_ids}
        )
    }
    recovered = 0
    for queued in running:
        worker = workers.get(queued.worker_ids[-1]) if queued.worker_ids else None
        if worker is not None:
            if worker.stopped_at is None and worker.last_seen_at >= dead_before:
                continue  # alive: still working on it
        elif queued.started_at is not None and queued.started_at >= stale_before:
            continue  # a worker we cannot see: wait until the task is stale
        if _recover(queued, now):
            recovered += 1
    return recovered + _settle_interrupted_runs(now)


def _recover(queued: DBTaskResult, now: datetime) -> bool:
    with transaction.atomic():
        run = JobRun.objects.filter(task_id=str(queued.pk), status=RunStatus.RUNNING).first()
        gives_up = len(queued.worker_ids) >= settings.MEDHOME_JOB_MAX_ATTEMPTS
        if run is not None:
            run = attempt_failed(run_id=run.pk, error=WORKER_LOST, now=now, requeue_task=False)
            gives_up = run.status == RunStatus.FAILED
        tasks = DBTaskResult.objects.filter(pk=queued.pk, status=TaskResultStatus.RUNNING)
        if gives_up:
            changed = tasks.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback="Its worker stopped beating while running it (killed or lost).",
            )
        else:
            changed = tasks.update(status=TaskResultStatus.READY, run_after=now, started_at=None)
        if not changed:
            # It finished after all while we looked: undo our bookkeeping.
            transaction.set_rollback(True)
            return False
    logger.warning(
        "task %s (%s) left running by a dead worker: %s",
        queued.pk,
        queued.task_path,
        "failed for good" if gives_up else "queued again",
    )
    return True


def _settle_interrupted_runs(now: datetime) -> int:
    """A run still RUNNING whose queue row has finished FAILED: its attempt was interrupted
    (Ctrl-C twice, the process exiting) before the run could record it. Record it now."""
    settled = 0
    for run in JobRun.objects.filter(status=RunStatus.RUNNING).exclude(task_id=""):
        task_id = _as_uuid(run.task_id)
        row = DBTaskResult.objects.filter(pk=task_id).first() if task_id else None
        if row is None or row.status != TaskResultStatus.FAILED:
            continue
        attempt_failed(run_id=run.pk, error=row.exception_class_path or WORKER_LOST, now=now)
        settled += 1
    return settled


def _as_uuid(value: str) -> uuid.UUID | None:
    # Only the database queue's ids are UUIDs (the tests' dummy queue makes other strings).
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def prune(*, now: datetime) -> int:
    """Forget finished work: successes after MEDHOME_JOB_KEEP_DAYS, failures after
    MEDHOME_JOB_KEEP_FAILED_DAYS, heartbeats of workers gone that long. How many rows."""
    keep = now - timedelta(days=settings.MEDHOME_JOB_KEEP_DAYS)
    keep_failed = now - timedelta(days=settings.MEDHOME_JOB_KEEP_FAILED_DAYS)
    runs = JobRun.objects
    deleted = runs.filter(status=RunStatus.SUCCEEDED, finished_at__lt=keep).delete()[0]
    deleted += runs.filter(status=RunStatus.FAILED, finished_at__lt=keep_failed).delete()[0]
    deleted += DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=keep
    ).delete()[0]
    deleted += DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=keep_failed
    ).delete()[0]
    deleted += WorkerHeartbeat.objects.filter(last_seen_at__lt=keep).delete()[0]
    return deleted
