"""The practice admin edits the practice calendar; every business deadline then counts on it."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.practices.calendar import add_business_hours, calendar_of
from medhome.staff.services import update_calendar
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
AT = datetime(2026, 6, 26, 12, tzinfo=NY)


def test_the_practice_admin_edits_the_calendar(log_in, staff_a, practice_a, practice_b):
    url = reverse("staff:calendar")
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    page = admin.get(url)
    saved = admin.post(
        url,
        {
            "opens_at": "07:30",
            "closes_at": "19:00",
            "working_weekdays": ["1", "2", "3", "4", "5", "6"],
            "holidays": "2026-07-03\n2026-12-25",
        },
    )
    refused = admin.post(
        url, {"opens_at": "18:00", "closes_at": "08:00", "working_weekdays": ["1"]}
    )
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a).get(url)

    assert page.status_code == 200 and 'value="08:00' in page.content.decode()
    assert saved.status_code == 302 and refused.status_code == 400
    assert coordinator.status_code == 403
    mine = calendar_of(practice_a)
    assert mine.opens_at == time(7, 30) and mine.working_weekdays == {1, 2, 3, 4, 5, 6}
    assert {day.isoformat() for day in mine.holidays} == {"2026-07-03", "2026-12-25"}
    assert calendar_of(practice_b).working_weekdays == {1, 2, 3, 4, 5}
    # Friday 18:00 + 2 business hours: Saturday 9:30 for A (Friday until 19:00, Saturdays open).
    friday_evening = datetime(2026, 6, 26, 18, tzinfo=NY)
    assert add_business_hours(friday_evening, 2, calendar=mine) == datetime(
        2026, 6, 27, 8, 30, tzinfo=NY
    )
    assert AuditEvent.objects.filter(object_type="practice_calendar").count() == 1


def test_a_calendar_needs_a_working_day_and_real_dates(staff_a, practice_a):
    admin = actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    for days, holidays in (([], []), ([1], ["July 3rd"])):
        with pytest.raises(ValidationError):
            update_calendar(
                actor=admin,
                opens_at=time(8),
                closes_at=time(17),
                working_weekdays=days,
                holidays=holidays,
                at=AT,
            )
    with pytest.raises(PermissionError):
        update_calendar(
            actor=actor_for(staff_a[Role.NURSE], practice_a, Role.NURSE),
            opens_at=time(8),
            closes_at=time(17),
            working_weekdays=[1],
            holidays=[],
            at=AT,
        )


def test_the_practice_admin_sets_the_number_families_call(log_in, staff_a, practice_a, practice_b):
    url = reverse("staff:calendar")
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    week = {"opens_at": "08:00", "closes_at": "17:00", "working_weekdays": ["1", "2", "3"]}

    admin.post(url, {**week, "phone": " (401) 555-0142 "})
    page = admin.get(url).content.decode()

    practice_a.refresh_from_db()
    practice_b.refresh_from_db()
    assert (practice_a.phone, practice_b.phone) == ("(401) 555-0142", "")
    assert 'value="(401) 555-0142"' in page
