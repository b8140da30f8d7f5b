"""Closing the loop (docs/clinical-rules.md#referral-follow-up): follow-up tasks with a frozen
clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from medhome.audit.models import AuditEvent
from medhome.jobs.models import JobRun
from medhome.jobs.tests.support import database_queue, run_scheduled
from medhome.practices.calendar import add_business_days, calendar_of, default_calendar
from medhome.practices.models import PracticeCalendar
from medhome.referrals import services
from medhome.referrals.states import Status
from medhome.tasks.models import Task, TaskKind

from .helpers import sent

pytestmark = pytest.mark.django_db
BOSTON = ZoneInfo("America/New_York")
# Friday 3 July 2026, 10:00 in Boston; Saturday and Sunday follow, and Monday 6 July is made a
# practice holiday: three business days later is Thursday 9 July, 10:00.
FRIDAY = datetime(2026, 7, 3, 10, 0, tzinfo=BOSTON)
DUE = datetime(2026, 7, 9, 10, 0, tzinfo=BOSTON)


@pytest.fixture
def holiday(practice_a):
    calendar = default_calendar()
    return PracticeCalendar.objects.create(
        practice=practice_a,
        opens_at=calendar.opens_at,
        closes_at=calendar.closes_at,
        working_weekdays=sorted(calendar.working_weekdays),
        holidays=["2026-07-06", "not a date"],
    )


def sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        call_command("sweep_referral_follow_ups", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Task.objects.count()


def test_business_days_skip_weekends_and_the_practice_calendars_holidays(
    holiday, practice_a, practice_b
) -> None:
    """The referral deadline counts on the practice calendar (issue 14 root 10)."""
    other = calendar_of(practice_b)
    assert add_business_days(FRIDAY, 3, calendar=other) == datetime(2026, 7, 8, 10, tzinfo=BOSTON)
    assert add_business_days(FRIDAY, 3, calendar=calendar_of(practice_a)) == DUE


def test_no_response_after_three_business_days(
    holiday, coordinator, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    assert sweep_at(DUE - timedelta(minutes=1)) == 0  # Thursday 09:59
    assert sweep_at(DUE) == 1
    task = Task.objects.get()
    assert task.kind == TaskKind.REFERRAL_NO_RESPONSE and task.child == child_a
    assert task.due_at == DUE and task.assignee_role == "care_coordinator"
    assert task.source_type == "referral" and task.source_id == str(referral.pk)
    assert task.dedupe_key == f"referral:{referral.pk}:referral_no_response"
    assert "3 business days" in task.title and food_bank.name in task.title
    assert "Sofía" not in task.title
    # Idempotent: the second run creates nothing.
    assert sweep_at(DUE + timedelta(hours=1)) == 1
    assert services.sweep_follow_ups(now=DUE + timedelta(hours=2)) == 0
    assert AuditEvent.objects.for_object("task", task.pk).count() == 1


def test_received_is_not_a_response(
    holiday, coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    services.partner_opened(actor=food_bank_staff, referral=referral, at=FRIDAY)
    assert services.sweep_follow_ups(now=DUE) == 1


def test_a_response_in_time_means_no_task(
    holiday, coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    services.change_status(
        actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=DUE - timedelta(1)
    )
    assert services.sweep_follow_ups(now=DUE + timedelta(days=1)) == 0


def test_a_late_response_cancels_the_no_response_task(
    holiday, coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    services.sweep_follow_ups(now=DUE)
    services.change_status(
        actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=DUE + timedelta(1)
    )
    assert Task.objects.get().status == "cancelled"


def test_urgent_needs_get_hours(coordinator, child_a, caregiver_a, food_bank):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY, priority="urgent")
    assert services.sweep_follow_ups(now=FRIDAY + timedelta(hours=3, minutes=59)) == 0
    assert services.sweep_follow_ups(now=FRIDAY + timedelta(hours=4)) == 1
    task = Task.objects.get()
    assert task.due_at == FRIDAY + timedelta(hours=4) and "4 hours" in task.title
    assert task.source_id == str(referral.pk)


def test_not_closed_after_thirty_days_then_cancelled_when_closed(
    coordinator, food_bank_staff, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    services.change_status(
        actor=food_bank_staff, referral=referral, to_status=Status.ACCEPTED, at=FRIDAY
    )
    assert sweep_at(FRIDAY + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert sweep_at(FRIDAY + timedelta(days=30)) == 1
    task = Task.objects.get()
    assert task.kind == TaskKind.REFERRAL_NOT_CLOSED and task.status == "open"
    assert sweep_at(FRIDAY + timedelta(days=31)) == 1
    services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status=Status.COMPLETED,
        outcome="need_met",
        at=FRIDAY + timedelta(days=32),
    )
    task.refresh_from_db()
    assert task.status == "cancelled" and task.completed_at == FRIDAY + timedelta(days=32)
    # Closed referrals never get new tasks.
    assert services.sweep_follow_ups(now=FRIDAY + timedelta(days=60)) == 0


def test_both_tasks_for_a_silent_referral_and_sweep_cancels_tasks_of_closed_ones(
    coordinator, child_a, caregiver_a, food_bank
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    assert services.sweep_follow_ups(now=FRIDAY + timedelta(days=31)) == 2
    # Closed behind the services' back (e.g. an import): the next sweep settles its tasks.
    type(referral).objects.filter(pk=referral.pk).update(status=Status.CANCELLED)
    assert services.sweep_follow_ups(now=FRIDAY + timedelta(days=32)) == 0
    assert set(Task.objects.values_list("status", flat=True)) == {"cancelled"}


def test_one_practice_or_all(
    coordinator, clinician_b_actor, child_a, caregiver_a, child_b, caregiver_b, food_bank
):
    sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    sent(clinician_b_actor, child_b, caregiver_b, food_bank, at=FRIDAY)
    later = FRIDAY + timedelta(days=10)
    assert services.sweep_follow_ups(now=later, practice=child_b.practice) == 1
    assert Task.objects.get().practice == child_b.practice
    assert services.sweep_follow_ups(now=later) == 1


def test_the_sweep_runs_on_the_workers_schedule(
    holiday, coordinator, child_a, caregiver_a, food_bank
):
    """The same sweep as the command, as the worker runs it: scheduled, queued, run once."""
    sent(coordinator, child_a, caregiver_a, food_bank, at=FRIDAY)
    with database_queue(), time_machine.travel(DUE + timedelta(minutes=5), tick=False):
        run_scheduled("referrals.follow_ups", now=DUE + timedelta(minutes=5))
        run_scheduled("referrals.follow_ups", now=DUE + timedelta(minutes=6))  # same slot
    assert Task.objects.get().kind == TaskKind.REFERRAL_NO_RESPONSE
    run = JobRun.objects.get()
    assert (run.status, run.result, run.slot) == ("succeeded", 1, DUE)
