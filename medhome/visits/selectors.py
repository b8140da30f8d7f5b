"""Reads of visits, always through the tenancy scope."""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.practices.scoping import scoped

from .models import Visit, VisitStatus


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The practice-local calendar day as an aware [start, end) pair."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def visits_on(actor: Actor, day: date) -> QuerySet[Visit]:
    """The day's visits that are still expected or under way, with the child for the list."""
    start, end = day_bounds(day)
    return (
        scoped(actor, Visit, need=Capability.CHART_READ)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status__in=[VisitStatus.CANCELLED, VisitStatus.NO_SHOW])
        .select_related("child", "clinician", "site")
        .order_by("starts_at")
    )


def upcoming_for(actor: Actor, child_id: UUID, after: datetime) -> QuerySet[Visit]:
    return (
        scoped(actor, Visit, need=Capability.CHART_READ)
        .filter(child_id=child_id, starts_at__gte=after, status=VisitStatus.SCHEDULED)
        .order_by("starts_at")
    )
