"""When a referral needs a follow-up (docs/clinical-rules.md#referral-follow-up): pure functions.

Business days skip Saturdays, Sundays and the practice's holidays, counted on the practice's
calendar (the project's TIME_ZONE), so a referral sent Friday afternoon is not "late" Monday.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone

from .models import Priority, Referral, ReferralSettings


def holiday_dates(values: Iterable[str]) -> frozenset[date]:
    dates = set()
    for value in values:
        try:
            dates.add(date.fromisoformat(str(value)))
        except ValueError:
            continue  # a malformed entry is ignored rather than stopping every sweep
    return frozenset(dates)


def is_business_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(moment: datetime, days: int, holidays: frozenset[date]) -> datetime:
    """The same local time of day, `days` business days after `moment`'s local date."""
    local = timezone.localtime(moment)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def response_due(referral: Referral, settings: ReferralSettings) -> datetime | None:
    """When the organization's first response is due; urgent needs get clock hours
    (docs/clinical-rules.md#referral-follow-up)."""
    if referral.requested_at is None:
        return None
    if referral.priority == Priority.URGENT:
        return referral.requested_at + timedelta(hours=settings.urgent_response_hours)
    return add_business_days(
        referral.requested_at, settings.response_business_days, holiday_dates(settings.holidays)
    )


def close_due(referral: Referral, settings: ReferralSettings) -> datetime | None:
    """When a sent referral should be closed: calendar days from sending."""
    if referral.requested_at is None:
        return None
    return referral.requested_at + timedelta(days=settings.close_days)
