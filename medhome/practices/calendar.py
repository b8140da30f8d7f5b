"""The practice calendar: the one place business days and business hours are counted.

docs/clinical-rules.md#business-calendar: every deadline that says "business" (an alert escalates
after 2 business hours, docs/clinical-rules.md#critical-answers; a referral's response is due
after 3 business days, docs/clinical-rules.md#referral-follow-up; the family is contacted within
2 business days of a hospital visit, docs/clinical-rules.md#hospital-events) is computed here, on
the practice's working weekdays, opening hours and holidays, in the project's time zone
(TIME_ZONE: medhome has one zone per installation). Pure functions over a `Calendar` value, so a
sweep reads the row once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import Practice, PracticeCalendar

# Unconfirmed for any given practice, so a setting (MEDHOME_CALENDAR) with these defaults: a
# weekday clinic, 8 to 5. A practice admin sets the practice's own on its calendar page.
DEFAULTS: dict[str, Any] = {
    "opens_at": "08:00",
    "closes_at": "17:00",
    "working_weekdays": [1, 2, 3, 4, 5],
}


def default(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "MEDHOME_CALENDAR", {})}[name]


@dataclass(frozen=True)
class Calendar:
    opens_at: time
    closes_at: time
    working_weekdays: frozenset[int]
    holidays: frozenset[date]
    zone: ZoneInfo

    def is_business_day(self, day: date) -> bool:
        return day.isoweekday() in self.working_weekdays and day not in self.holidays


def holiday_dates(values: Iterable[object]) -> frozenset[date]:
    dates = set()
    for value in values:
        try:
            dates.add(date.fromisoformat(str(value).strip()))
        except ValueError:
            continue  # a malformed entry is ignored rather than stopping every deadline
    return frozenset(dates)


def default_calendar(holidays: Iterable[object] = ()) -> Calendar:
    return Calendar(
        opens_at=time.fromisoformat(default("opens_at")),
        closes_at=time.fromisoformat(default("closes_at")),
        working_weekdays=frozenset(int(day) for day in default("working_weekdays")),
        holidays=holiday_dates(holidays),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def calendar_of(practice: Practice) -> Calendar:
    """The practice's calendar, or the defaults when it has not set one."""
    row = PracticeCalendar.objects.filter(practice=practice).first()
    if row is None:
        return default_calendar()
    return Calendar(
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        working_weekdays=frozenset(int(day) for day in row.working_weekdays),
        holidays=holiday_dates(row.holidays),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def is_business_day(day: date, *, calendar: Calendar) -> bool:
    return calendar.is_business_day(day)


def next_business_day(day: date, *, calendar: Calendar) -> date:
    """The first working day after `day` (a Friday's huddle prepares Monday's clinic)."""
    return _next_business_day(day, calendar)


def _next_business_day(day: date, calendar: Calendar) -> date:
    if not calendar.working_weekdays:
        raise ValueError("a calendar without working days has no business days")
    day += timedelta(days=1)
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return day


def _at(day: date, moment: time, calendar: Calendar) -> datetime:
    # The wall-clock time on that date in the practice's zone (a DST change moves the offset,
    # not the time on the clinic's clock).
    return datetime.combine(day, moment, tzinfo=calendar.zone)


def _local(moment: datetime, calendar: Calendar) -> datetime:
    """`moment` on the practice's clock. Through UTC: a time already in the practice's zone is
    returned by `astimezone` as it is, so a wall-clock time that does not exist (an HL7 time in
    the spring-forward gap, 02:10) would be counted from 02:10 instead of the instant's 03:10."""
    return moment.astimezone(UTC).astimezone(calendar.zone)


def add_business_days(moment: datetime, days: int, *, calendar: Calendar) -> datetime:
    """The same local time of day, `days` business days after `moment`'s local date (a
    referral sent Friday afternoon is due the Wednesday after for 3 days, not Monday)."""
    local = _local(moment, calendar)
    day = local.date()
    for _counted in range(days):
        day = _next_business_day(day, calendar)
    return _at(day, local.time().replace(tzinfo=None), calendar)


def add_business_hours(moment: datetime, hours: float, *, calendar: Calendar) -> datetime:
    """The moment when `hours` of the practice's open time have passed after `moment`.

    Time outside opening hours, on closed weekdays and on holidays does not count: an alert
    raised on Friday at 16:30 with 2 business hours is due on Monday at 9:30 (practice open
    8 to 5). Arithmetic runs in UTC so a DST change never adds or loses an hour.
    """
    remaining = timedelta(hours=hours)
    current = _local(moment, calendar)
    day = current.date()
    if not calendar.is_business_day(day) or current.time() >= calendar.closes_at:
        day = _next_business_day(day, calendar)
        current = _at(day, calendar.opens_at, calendar)
    elif current.time() < calendar.opens_at:
        current = _at(day, calendar.opens_at, calendar)
    while True:
        closing = _at(day, calendar.closes_at, calendar)
        available = closing.astimezone(ZoneInfo("UTC")) - current.astimezone(ZoneInfo("UTC"))
        if remaining <= available:
            return (current.astimezone(ZoneInfo("UTC")) + remaining).astimezone(calendar.zone)
        remaining -= available
        day = _next_business_day(day, calendar)
        current = _at(day, calendar.opens_at, calendar)
