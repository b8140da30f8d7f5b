"""Running jobs on the real database queue: success, retry with back-off, a recorded failure that
carries no PHI, and recovery of a task a dead worker left RUNNING."""

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from medhome.jobs import registry
from medhome.jobs.models import JobRun, RunStatus, WorkerHeartbeat
from medhome.jobs.selectors import worker_health
from medhome.jobs.services import schedule_due
from medhome.jobs.workers import WORKER_LOST, beat, prune, recover_abandoned

from .support import database_queue, drain

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
MORNING = datetime(2026, 6, 29, 9, 0, 5, tzinfo=NY)
CANARY = "Sofía Ramírez 2019-04-02"  # stands for PHI an error message could quote
calls: list[datetime] = []


def counts_three(*, now: datetime) -> int:
    calls.append(now)
    return 3


def always_fails(*, now: datetime) -> int:
    calls.append(now)
    raise ValueError(f"constraint failed for {CANARY}")


@pytest.fixture(autouse=True)
def queue(only_test_jobs):
    calls.clear()
    with database_queue(), time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def test_a_scheduled_job_runs_once_and_records_its_count():
    registry.register("test.counts", counts_three, every=timedelta(hours=1))
    schedule_due(now=MORNING)
    schedule_due(now=MORNING)
    assert drain() == 1
    run = JobRun.objects.get()
    assert (run.status, run.attempts, run.result, run.error) == (RunStatus.SUCCEEDED, 1, 3, "")
    assert calls == [MORNING]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@override_settings(
    MEDHOME_JOB_MAX_ATTEMPTS=3,
    MEDHOME_JOB_RETRY_BASE_SECONDS=30,
    MEDHOME_JOB_RETRY_MAX_SECONDS=3600,
)
def test_a_failing_job_retries_with_back_off_then_ends_as_a_recorded_failure(queue, caplog):
    registry.register("test.fails", always_fails, every=timedelta(hours=1))
    schedule_due(now=MORNING)
    with caplog.at_level(logging.INFO):
        assert drain() == 1
        run = JobRun.objects.get()
        assert (run.status, run.attempts) == (RunStatus.RETRYING, 1)
        assert run.next_attempt_at == MORNING + timedelta(seconds=30)
        assert drain() == 0  # not before its time
        queue.move_to(MORNING + timedelta(seconds=30))
        assert drain() == 1
        run.refresh_from_db()
        assert (run.status, run.attempts) == (RunStatus.RETRYING, 2)
        assert run.next_attempt_at == MORNING + timedelta(seconds=30 + 60)  # doubled
        queue.move_to(run.next_attempt_at)
        assert drain() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == (RunStatus.FAILED, 3, "builtins.ValueError")
    assert run.finished_at == MORNING + timedelta(seconds=90)
    assert len(calls) == 3
    queue.move_to(MORNING + timedelta(days=1))
    assert drain() == 0  # nothing more queued: it ended, visibly
    assert worker_health(now=MORNING + timedelta(minutes=5)).failed_runs == 1
    # Three queue rows, each failed; none of them, and no log line, quotes the error's message.
    rows = list(DBTaskResult.objects.all())
    assert [row.status for row in rows] == [TaskResultStatus.FAILED] * 3
    assert all("JobAttemptFailed" in row.exception_class_path for row in rows)
    assert not any(CANARY in row.traceback for row in rows)
    assert "always_fails" in caplog.text  # the frames are logged…
    assert CANARY not in caplog.text  # …the message is not
    assert "failed for good after 3 attempts" in caplog.text


def dead_workers_task(*, started: datetime, worker: str = "dead") -> JobRun:
    """A run whose attempt a worker claimed and started, then was killed (kill -9)."""
    registry.register("test.counts", counts_three, every=timedelta(hours=1))
    [run] = schedule_due(now=started)
    row = DBTaskResult.objects.get()
    row.claim(worker)
    # What execute() had recorded before the worker died.
    JobRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, started_at=started
    )
    return run


def test_a_task_left_running_by_a_dead_worker_is_run_again(queue):
    beat(worker_id="dead", host="h", pid=1, runs_schedule=True, now=MORNING)
    run = dead_workers_task(started=MORNING)
    # The worker still beats a little after: not dead yet, nothing moves.
    assert recover_abandoned(now=MORNING + timedelta(seconds=30)) == 0
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING
    queue.move_to(MORNING + timedelta(minutes=2))
    assert recover_abandoned(now=MORNING + timedelta(minutes=2)) == 1
    row = DBTaskResult.objects.get()
    assert row.status == TaskResultStatus.READY  # the same queue row, ready again
    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == (RunStatus.RETRYING, WORKER_LOST, 1)
    assert drain(worker_id="alive") == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.result) == (RunStatus.SUCCEEDED, 2, 3)
    assert len(calls) == 1  # the dead attempt never called it here; the second did, once
    assert DBTaskResult.objects.get().worker_ids == ["dead", "alive"]
    assert recover_abandoned(now=MORNING + timedelta(minutes=3)) == 0


def test_a_live_worker_keeps_its_task():
    dead_workers_task(started=MORNING, worker="busy")
    beat(worker_id="busy", host="h", pid=2, runs_schedule=True, now=MORNING + timedelta(hours=3))
    assert recover_abandoned(now=MORNING + timedelta(hours=3)) == 0


def test_a_worker_that_never_beat_is_given_until_the_task_is_stale(queue):
    # A bare `manage.py db_worker` writes no heartbeat: wait MEDHOME_TASK_STALE_SECONDS.
    dead_workers_task(started=MORNING, worker="bare")
    assert recover_abandoned(now=MORNING + timedelta(minutes=59)) == 0
    assert recover_abandoned(now=MORNING + timedelta(minutes=61)) == 1


@override_settings(MEDHOME_JOB_MAX_ATTEMPTS=1)
def test_a_task_that_keeps_killing_its_worker_ends_as_a_recorded_failure():
    run = dead_workers_task(started=MORNING)
    assert recover_abandoned(now=MORNING + timedelta(hours=2)) == 1
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, WORKER_LOST)
    row = DBTaskResult.objects.get()
    assert (row.status, row.exception_class_path) == (TaskResultStatus.FAILED, WORKER_LOST)


def test_an_interrupted_attempt_is_recorded_and_queued_again(queue):
    run = dead_workers_task(started=MORNING, worker="stopping")
    # A second Ctrl-C stopped the task: the queue row failed, the run never heard of it.
    DBTaskResult.objects.update(
        status=TaskResultStatus.FAILED, exception_class_path="builtins.SystemExit"
    )
    assert recover_abandoned(now=MORNING + timedelta(seconds=1)) == 1
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.RETRYING, "builtins.SystemExit")
    queue.move_to(run.next_attempt_at)
    assert drain() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED


def test_health_reads_the_heartbeats_and_the_queue_age(queue):
    registry.register("test.counts", counts_three, every=timedelta(hours=1))
    beat(worker_id="w", host="h", pid=3, runs_schedule=True, now=MORNING)
    schedule_due(now=MORNING)
    later = MORNING + timedelta(seconds=40)
    health = worker_health(now=later)
    assert health.ok and health.alive_workers == 1 and health.ready_tasks == 1
    assert health.queue_age == timedelta(seconds=40)
    assert not worker_health(now=MORNING + timedelta(minutes=5)).ok  # no beat for 5 minutes
    beat(worker_id="w", host="h", pid=3, runs_schedule=True, now=later)
    assert WorkerHeartbeat.objects.get().ready_tasks == 1


def test_prune_forgets_old_successes_and_keeps_failures_longer(queue):
    registry.register("test.counts", counts_three, every=timedelta(hours=1))
    registry.register("test.fails", always_fails, every=timedelta(hours=1))
    with override_settings(MEDHOME_JOB_MAX_ATTEMPTS=1):
        schedule_due(now=MORNING)
        drain()
    assert prune(now=MORNING + timedelta(days=13)) == 0
    assert prune(now=MORNING + timedelta(days=15)) == 2  # the success and its queue row
    assert JobRun.objects.get().status == RunStatus.FAILED
    assert prune(now=MORNING + timedelta(days=91)) == 2
