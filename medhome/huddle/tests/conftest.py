"""Fixtures of the huddle tests: a frozen Monday, tomorrow's clinic, a front desk and a CHW."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from medhome.accounts.roles import Role
from medhome.screening.models import Administration
from tests import factories
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=ZONE)  # a Monday, before the huddle
TODAY = date(2026, 11, 23)
TOMORROW = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).isoformat()


def screen(child, *, key="phq9", days_ago=1, **values) -> Administration:
    """A submitted, scored screen written directly (the huddle reads, it does not score)."""
    when = NOW - timedelta(days=days_ago)
    defaults = {
        "instrument_version": "1",
        "mode": "tablet",
        "respondent": "caregiver",
        "language": "en",
        "status": "scored",
        "started_at": when,
        "updated_at": when,
        "submitted_at": when,
        "administered_on": when.date(),
        "band": "mild",
        "positive": False,
    }
    return Administration.objects.create(
        practice=child.practice, child=child, instrument_key=key, **(defaults | values)
    )


@pytest.fixture
def infant_a(family_a):
    return factories.add_child(
        family_a, legal_given_name="Tomás", mrn="TG-2001", date_of_birth=TODAY - timedelta(days=62)
    )


@pytest.fixture
def desk(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.FRONT_DESK], practice_a)


@pytest.fixture
def chw(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)


@pytest.fixture
def coordinator(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
