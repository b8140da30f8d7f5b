"""Periodic jobs: registered in one line, enqueued once per time slot whoever schedules them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError
from django.tasks import default_task_backend
from django.test import override_settings

from medhome.jobs import registry
from medhome.jobs.housekeeper import Housekeeper
from medhome.jobs.models import JobRun, RunStatus, WorkerHeartbeat
from medhome.jobs.services import enqueue_run, schedule_due

NY = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
MORNING = datetime(2026, 6, 29, 9, 37, 12, tzinfo=NY)


def noop(*, now: datetime) -> int:
    return 0


@pytest.fixture(autouse=True)
def _empty_dummy_queue():
    default_task_backend.clear()


def test_slots_count_from_local_midnight():
    assert registry.slot_start(MORNING, every=timedelta(hours=1)) == datetime(
        2026, 6, 29, 9, tzinfo=NY
    )
    assert registry.slot_start(MORNING, every=timedelta(minutes=5)) == datetime(
        2026, 6, 29, 9, 35, tzinfo=NY
    )
    # Daily at 06:00 local: at 09:37 today's slot; at 05:00 still yesterday's.
    daily = {"every": timedelta(days=1), "offset": timedelta(hours=6)}
    assert registry.slot_start(MORNING, **daily) == datetime(2026, 6, 29, 6, tzinfo=NY)
    early = MORNING.replace(hour=5)
    assert registry.slot_start(early, **daily) == datetime(2026, 6, 28, 6, tzinfo=NY)


def test_a_daylight_saving_day_keeps_every_slot_distinct():
    # 1 November 2026: New York falls back at 02:00; hourly slots stay one per absolute hour.
    start = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 00:00 EDT
    slots = {
        registry.slot_start(start + timedelta(minutes=30 * i), every=timedelta(hours=1))
        for i in range(2 * 30)
    }
    assert len(slots) == 30


def test_an_interval_must_divide_a_day(only_test_jobs):
    with pytest.raises(ImproperlyConfigured):
        registry.register("test.odd", noop, every=timedelta(minutes=7))
    with pytest.raises(ImproperlyConfigured):
        registry.register("Bad Name", noop, every=timedelta(hours=1))


@pytest.mark.django_db
def test_a_job_is_enqueued_once_per_slot(only_test_jobs):
    registry.register("test.hourly", noop, every=timedelta(hours=1))
    first = schedule_due(now=MORNING)
    assert [(run.job, run.slot) for run in first] == [
        ("test.hourly", datetime(2026, 6, 29, 9, tzinfo=NY))
    ]
    # Later in the same hour, from this scheduler or another: nothing more.
    assert schedule_due(now=MORNING + timedelta(minutes=20)) == []
    # The next hour is a new slot.
    assert len(schedule_due(now=MORNING + timedelta(minutes=23))) == 1
    assert JobRun.objects.count() == 2
    assert len(default_task_backend.results) == 2
    run = first[0]
    assert run.status == RunStatus.QUEUED and run.task_id == default_task_backend.results[0].id
    assert default_task_backend.results[0].args == [str(run.pk)]


@pytest.mark.django_db
def test_a_second_enqueue_for_the_same_slot_is_refused(only_test_jobs):
    slot = datetime(2026, 6, 29, 9, tzinfo=NY)
    enqueue_run(job="test.hourly", slot=slot, now=MORNING)
    with pytest.raises(IntegrityError):
        enqueue_run(job="test.hourly", slot=slot, now=MORNING)
    # Neither a second run nor a second queue row: the refused one left nothing behind.
    assert JobRun.objects.count() == 1
    assert len(default_task_backend.results) == 1


@pytest.mark.django_db
def test_settings_change_a_jobs_interval(only_test_jobs):
    registry.register("test.often", noop, every=timedelta(hours=1))
    with override_settings(MEDHOME_JOB_INTERVALS={"test.often": 600}):
        assert registry.get("test.often").interval() == timedelta(minutes=10)
        schedule_due(now=MORNING)
        schedule_due(now=MORNING + timedelta(minutes=10))
    assert JobRun.objects.count() == 2


@pytest.mark.django_db
def test_the_workers_tick_beats_and_schedules_on_the_clock(only_test_jobs):
    registry.register("test.five", noop, every=timedelta(minutes=5))
    keeper = Housekeeper(worker_id="w1", runs_schedule=True, tick_seconds=10)
    with time_machine.travel(MORNING, tick=False):
        keeper.tick()
        keeper.tick()
    with time_machine.travel(MORNING + timedelta(minutes=3), tick=False):
        keeper.tick()
        Housekeeper(worker_id="w2", runs_schedule=True, tick_seconds=10).tick()
    assert sorted(JobRun.objects.values_list("slot", flat=True)) == [
        datetime(2026, 6, 29, 9, 35, tzinfo=NY),
        datetime(2026, 6, 29, 9, 40, tzinfo=NY),
    ]
    beat = WorkerHeartbeat.objects.get(worker_id="w1")
    assert beat.last_seen_at == MORNING + timedelta(minutes=3) and beat.started_at == MORNING
    assert WorkerHeartbeat.objects.count() == 2


@pytest.mark.django_db
def test_a_worker_without_the_scheduler_only_beats(only_test_jobs):
    registry.register("test.five", noop, every=timedelta(minutes=5))
    with time_machine.travel(MORNING, tick=False):
        Housekeeper(worker_id="w3", runs_schedule=False, tick_seconds=10).tick()
    assert not JobRun.objects.exists()
    assert not WorkerHeartbeat.objects.get().runs_schedule
