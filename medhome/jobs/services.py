"""Scheduling and running periodic jobs: every write to JobRun goes through here.

At-least-once, never silently lost: a slot's run is created and its first queue row written in
one transaction; an attempt that raises is recorded (the error's class, never its message) and
tried again after an exponential back-off, and after MEDHOME_JOB_MAX_ATTEMPTS it ends as a
recorded failure. Exactly-once *effects* come from the jobs themselves (idempotent sweeps writing
under unique keys), because a worker can always die between the effect and the bookkeeping.
"""

import logging
import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from . import registry
from .models import FINISHED, JobRun, RunStatus

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class JobAttemptFailed(Exception):
    """Raised in place of a job's own error so the queue row's traceback carries no PHI (an
    error's message may quote a row); the frames are logged, with the message withheld."""


class JobNotRegistered(Exception):
    """A queued run names a job no app registers any more (renamed or removed)."""


def schedule_due(*, now: datetime, only: Collection[str] | None = None) -> list[JobRun]:
    """Enqueue each registered job's current slot unless it already has a run: the scheduler's
    tick, safe to call from any number of workers at once (the unique (job, slot) decides).
    Slots missed while no scheduler ran are not back-filled: a sweep run now covers them.
    `only` limits the tick to the jobs named."""
    created = []
    for job in registry.jobs():
        if only is not None and job.name not in only:
            continue
        slot = job.slot_at(now)
        if JobRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            created.append(enqueue_run(job=job.name, slot=slot, now=now))
        except IntegrityError:
            # Another scheduler took this slot between our look and our insert.
            continue
    return created


def enqueue_run(*, job: str, slot: datetime, now: datetime) -> JobRun:
    """The run of `job` for `slot` and its first queue row, both or neither; IntegrityError if
    the slot already has a run."""
    from .tasks import run_job  # the task module imports this one

    with transaction.atomic():
        run = JobRun.objects.create(job=job, slot=slot, enqueued_at=now)
        run.task_id = str(run_job.enqueue(str(run.pk)).id)
        run.save(update_fields=["task_id"])
    logger.info("job %s enqueued for slot %s", job, slot.isoformat())
    return run


def execute(*, run_id: str, task_id: str, clock: Clock) -> int | None:
    """Run one attempt of a queued run (the worker calls this through tasks.run_job). Returns
    what the job counted; None when there was nothing to do (finished, or not the current
    attempt: a retry was queued after this attempt was given up for lost)."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in FINISHED or run.task_id != task_id:
            return None
        run.attempts += 1
        run.status = RunStatus.RUNNING
        run.started_at = clock()
        run.next_attempt_at = None
        run.save(update_fields=["attempts", "status", "started_at", "next_attempt_at"])
    job = registry.get(run.job)
    try:
        if job is None:
            raise JobNotRegistered(run.job)
        counted = job.run(now=run.started_at)
    except Exception as error:
        kind = f"{type(error).__module__}.{type(error).__qualname__}"
        # NoPhiFilter keeps the frames and withholds the message.
        logger.error("job %s attempt %d failed: %s", run.job, run.attempts, kind, exc_info=True)
        attempt_failed(run_id=run.pk, error=kind, now=clock())
        raise JobAttemptFailed(f"{run.job} attempt {run.attempts}: {kind}") from None
    result = counted if isinstance(counted, int) and not isinstance(counted, bool) else None
    JobRun.objects.filter(pk=run.pk, task_id=task_id).update(
        status=RunStatus.SUCCEEDED, finished_at=clock(), result=result, error=""
    )
    logger.info("job %s succeeded (attempt %d, counted %s)", run.job, run.attempts, result)
    return result


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: base, 2×base, 4×base… capped."""
    base = settings.MEDHOME_JOB_RETRY_BASE_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.MEDHOME_JOB_RETRY_MAX_SECONDS)
    )


def attempt_failed(
    *, run_id: uuid.UUID | str, error: str, now: datetime, requeue_task: bool = True
) -> JobRun:
    """Record a failed attempt: queue the next one after the back-off, or, past the last
    attempt, end the run as failed. With requeue_task=False the caller re-readies the same queue
    row itself (a task recovered from a dead worker) and only the bookkeeping is done here."""
    from .tasks import run_job

    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run_id)
        run.error = error[:200]
        if run.attempts >= settings.MEDHOME_JOB_MAX_ATTEMPTS:
            run.status = RunStatus.FAILED
            run.finished_at = now
            run.next_attempt_at = None
            logger.error("job %s failed for good after %d attempts", run.job, run.attempts)
        else:
            run.status = RunStatus.RETRYING
            run.next_attempt_at = now + retry_delay(run.attempts) if requeue_task else now
            if requeue_task:
                task = run_job.using(run_after=run.next_attempt_at)
                run.task_id = str(task.enqueue(str(run.pk)).id)
        run.save()
    return run
