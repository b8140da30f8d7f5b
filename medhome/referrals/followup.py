"""When a referral needs a follow-up (docs/clinical-rules.md#referral-follow-up): pure functions.

Business days are counted on the practice calendar (medhome.practices.calendar: its working
days and holidays), so a referral sent Friday afternoon is not "late" Monday.
"""

from datetime import datetime, timedelta

from medhome.practices.calendar import Calendar, add_business_days

from .models import Priority, Referral, ReferralSettings


def response_due(
    referral: Referral, settings: ReferralSettings, *, calendar: Calendar
) -> datetime | None:
    """When the organization's first response is due; urgent needs get clock hours
    (docs/clinical-rules.md#referral-follow-up)."""
    if referral.requested_at is None:
        return None
    if referral.priority == Priority.URGENT:
        return referral.requested_at + timedelta(hours=settings.urgent_response_hours)
    return add_business_days(
        referral.requested_at, settings.response_business_days, calendar=calendar
    )


def close_due(referral: Referral, settings: ReferralSettings) -> datetime | None:
    """When a sent referral should be closed: calendar days from sending."""
    if referral.requested_at is None:
        return None
    return referral.requested_at + timedelta(days=settings.close_days)
