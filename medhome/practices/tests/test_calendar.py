"""The practice calendar at its boundaries: Friday afternoon, holiday, after hours, DST change."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from medhome.practices.calendar import (
    add_business_days,
    add_business_hours,
    calendar_of,
    default_calendar,
    is_business_day,
)
from medhome.practices.models import PracticeCalendar

NY = ZoneInfo("America/New_York")
CAL = default_calendar()  # Monday to Friday, 8:00 to 17:00, America/New_York in tests
JULY_3 = date(2026, 7, 3)  # a Friday, the observed Independence Day


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def test_weekends_and_holidays_are_not_business_days():
    with_holiday = default_calendar(holidays=["2026-07-03", "not a date"])
    assert is_business_day(date(2026, 7, 2), calendar=with_holiday)
    assert not is_business_day(JULY_3, calendar=with_holiday)
    assert not is_business_day(date(2026, 7, 4), calendar=with_holiday)  # Saturday
    assert is_business_day(JULY_3, calendar=CAL)


def test_business_days_from_friday_afternoon_skip_the_weekend_and_a_holiday():
    friday = local(2026, 6, 26, 16, 30)
    assert add_business_days(friday, 2, calendar=CAL) == local(2026, 6, 30, 16, 30)
    with_holiday = default_calendar(holidays=["2026-06-29"])  # the Monday off
    assert add_business_days(friday, 2, calendar=with_holiday) == local(2026, 7, 1, 16, 30)
    saturday = local(2026, 6, 27, 10)
    assert add_business_days(saturday, 1, calendar=CAL) == local(2026, 6, 29, 10)


def test_business_days_keep_the_wall_clock_time_over_a_dst_change():
    # DST ends on Sunday 1 November 2026: Friday 10:00 EDT + 1 business day = Monday 10:00 EST.
    due = add_business_days(local(2026, 10, 30, 10), 1, calendar=CAL)
    assert due == local(2026, 11, 2, 10)
    assert due.astimezone(UTC).hour == 15  # EST is UTC-5 (Friday was UTC-4)


def test_a_time_in_the_spring_forward_gap_counts_from_the_instant_it_names():
    # 8 March 2026, 02:10 does not exist in New York; read as EST it is 07:10 UTC = 03:10 EDT
    # (the 10,000-message storm found 3 discharges whose follow-up was an hour early).
    in_the_gap = local(2026, 3, 8, 2, 10)
    same_instant = datetime(2026, 3, 8, 7, 10, tzinfo=UTC)
    expected = local(2026, 3, 10, 3, 10)
    assert add_business_days(in_the_gap, 2, calendar=CAL) == expected
    assert add_business_days(same_instant, 2, calendar=CAL) == expected
    assert add_business_hours(in_the_gap, 1, calendar=CAL) == local(2026, 3, 9, 9)


def test_business_hours_inside_one_day():
    assert add_business_hours(local(2026, 6, 24, 9), 2, calendar=CAL) == local(2026, 6, 24, 11)
    assert add_business_hours(local(2026, 6, 24, 15), 2, calendar=CAL) == local(2026, 6, 24, 17)


def test_business_hours_from_friday_afternoon_end_on_monday_morning():
    assert add_business_hours(local(2026, 6, 26, 16, 30), 2, calendar=CAL) == local(
        2026, 6, 29, 9, 30
    )


def test_business_hours_after_hours_before_opening_and_on_a_holiday():
    # Raised at 22:00 Wednesday: the clock starts at 8:00 Thursday.
    assert add_business_hours(local(2026, 6, 24, 22), 2, calendar=CAL) == local(2026, 6, 25, 10)
    # Raised at 6:00: the clock starts at opening.
    assert add_business_hours(local(2026, 6, 24, 6), 2, calendar=CAL) == local(2026, 6, 24, 10)
    # Thursday 16:00 before a Friday holiday: one hour Thursday, one hour Monday.
    with_holiday = default_calendar(holidays=["2026-07-03"])
    assert add_business_hours(local(2026, 7, 2, 16), 2, calendar=with_holiday) == local(
        2026, 7, 6, 9
    )


def test_business_hours_over_a_dst_change_count_open_hours_not_clock_shifts():
    # DST starts on Sunday 8 March 2026. Friday 16:00 EST + 2 business hours = Monday 9:00 EDT.
    due = add_business_hours(local(2026, 3, 6, 16), 2, calendar=CAL)
    assert due == local(2026, 3, 9, 9)
    assert due.utcoffset().total_seconds() == -4 * 3600


@pytest.mark.django_db
def test_a_practice_calendar_replaces_the_defaults(practice_a, practice_b):
    PracticeCalendar.objects.create(
        practice=practice_a,
        opens_at=time(7),
        closes_at=time(19),
        working_weekdays=[1, 2, 3, 4, 5, 6],
        holidays=["2026-06-29"],
    )
    mine, theirs = calendar_of(practice_a), calendar_of(practice_b)
    friday_evening = local(2026, 6, 26, 18)
    # Practice A works Saturdays and until 19:00; Monday 29 June is its holiday.
    assert add_business_hours(friday_evening, 2, calendar=mine) == local(2026, 6, 27, 8)
    assert add_business_days(friday_evening, 2, calendar=mine) == local(2026, 6, 30, 18)
    assert add_business_hours(friday_evening, 2, calendar=theirs) == local(2026, 6, 29, 10)
    assert theirs == default_calendar()
