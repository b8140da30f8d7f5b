"""The only place the application reads the clock; services take dates as arguments."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    return timezone.localdate()


def local_date(moment: datetime) -> date:
    """The calendar date of a moment in the practice's time zone (not UTC)."""
    return timezone.localdate(moment)
