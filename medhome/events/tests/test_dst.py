"""The clock jumping across a DST change: a hospital visit's follow-up is due at the practice's
wall-clock time two business days later, whatever the offset did meanwhile (issue 21 part 5).

America/New_York (the tests' zone) on both US changes of 2026, and two other practices' zones:
Los Angeles (its own change) and Phoenix (none). The clock is moved with time-machine, so the
feed stamps what it receives with the jumped clock, as in production.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from medhome.core import clock
from medhome.events import services
from medhome.practices.calendar import add_business_hours, calendar_of
from medhome.tasks.models import Task, TaskKind

from .test_events import adt


def ed_visit_task(practice, *, start: str) -> Task:
    _ack, message = services.receive_hl7(
        practice=practice, raw=adt("A04", "DST1", start=start), at=clock.now()
    )
    assert message.status == "processed"
    return Task.objects.get(practice=practice, kind=TaskKind.TRANSITION_FOLLOW_UP)


@pytest.mark.parametrize(
    ("zone", "start", "due_local"),
    [
        # Spring forward, Sunday 8 March 2026: Friday 14:00 EST -> Tuesday 14:00 EDT.
        ("America/New_York", "20260306140000", datetime(2026, 3, 10, 14)),
        # Fall back, Sunday 1 November 2026: Friday 14:00 EDT -> Tuesday 14:00 EST.
        ("America/New_York", "20261030140000", datetime(2026, 11, 3, 14)),
        ("America/Los_Angeles", "20260306140000", datetime(2026, 3, 10, 14)),
        ("America/Phoenix", "20260306140000", datetime(2026, 3, 10, 14)),
    ],
)
def test_follow_up_due_at_local_wall_time_across_the_change(
    practice_a, child_a, zone, start, due_local
):
    local = ZoneInfo(zone)
    arrived = datetime.strptime(start, "%Y%m%d%H%M%S").replace(tzinfo=local)
    with override_settings(TIME_ZONE=zone), time_machine.travel(arrived, tick=False) as traveller:
        task = ed_visit_task(practice_a, start=start)
        due = due_local.replace(tzinfo=local)
        assert task.due_at == due
        assert task.due_at.astimezone(local).hour == 14

        # The clock jumps over the change: the task is due on Tuesday at 14:00 on the clinic's
        # clock, not an hour early or late.
        traveller.move_to(due - timedelta(minutes=1))
        assert clock.now() < task.due_at
        traveller.move_to(due + timedelta(minutes=1))
        assert clock.now() > task.due_at
        assert clock.now().astimezone(UTC) == (due + timedelta(minutes=1)).astimezone(UTC)


@pytest.mark.parametrize(
    ("zone", "raised", "due"),
    [
        # Friday 16:30 + 2 business hours (open 8-17): Monday 9:30, over the fall-back night.
        ("America/New_York", datetime(2026, 10, 30, 16, 30), datetime(2026, 11, 2, 9, 30)),
        ("America/Los_Angeles", datetime(2026, 3, 6, 16, 30), datetime(2026, 3, 9, 9, 30)),
        ("America/Phoenix", datetime(2026, 3, 6, 16, 30), datetime(2026, 3, 9, 9, 30)),
    ],
)
def test_business_hours_across_the_change_count_open_hours(practice_a, zone, raised, due):
    local = ZoneInfo(zone)
    with (
        override_settings(TIME_ZONE=zone),
        time_machine.travel(raised.replace(tzinfo=local), tick=False),
    ):
        deadline = add_business_hours(clock.now(), 2, calendar=calendar_of(practice_a))
    assert deadline == due.replace(tzinfo=local)
    assert deadline.astimezone(local).time() == due.time()
