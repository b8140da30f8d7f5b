"""Reads of visits, always through the tenancy scope."""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from medhome.accounts.models import User
from medhome.accounts.roles import CLINICIAN_ROLES, Capability
from medhome.core.actor import Actor
from medhome.families.models import AvailabilityWindow, Caregiver, Child
from medhome.practices.models import Membership, Site
from medhome.practices.scoping import get_scoped, scoped

from .models import Visit, VisitStatus


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The practice-local calendar day as an aware [start, end) pair."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def visits_on(
    actor: Actor, day: date, *, site: Site | None = None, every_status: bool = False
) -> QuerySet[Visit]:
    """The day's visits (at one site when given; a telehealth visit has no site and shows at
    every site) in time order, with the child for the list. Only those still expected or under
    way, unless `every_status` (the front desk's day shows who cancelled or did not come)."""
    start, end = day_bounds(day)
    visits = scoped(actor, Visit, need=Capability.CHART_READ).filter(
        starts_at__gte=start, starts_at__lt=end
    )
    if site is not None:
        visits = visits.filter(Q(site=site) | Q(site__isnull=True))
    if not every_status:
        visits = visits.exclude(status__in=[VisitStatus.CANCELLED, VisitStatus.NO_SHOW])
    return visits.select_related("child", "clinician", "site").order_by("starts_at")


def upcoming_for(actor: Actor, child_id: UUID, after: datetime) -> QuerySet[Visit]:
    return (
        scoped(actor, Visit, need=Capability.CHART_READ)
        .filter(child_id=child_id, starts_at__gte=after, status=VisitStatus.SCHEDULED)
        .order_by("starts_at")
    )


def access_visit(actor: Actor, visit_id: UUID, *, need: str = Capability.CHART_READ) -> Visit:
    """One visit of the actor's practice (404 otherwise), with what its pages show."""
    return get_scoped(actor, Visit, need=need, pk=visit_id)


def sites_of(actor: Actor) -> list[Site]:
    if not actor.is_in_practice or not actor.can(Capability.CHART_READ):
        return []
    return list(Site.objects.filter(practice=actor.practice).order_by("name"))


def clinicians_of(actor: Actor) -> list[User]:
    """The practice's active clinicians (pediatricians, nurse practitioners), by name."""
    if not actor.is_in_practice:
        return []
    ids = Membership.objects.filter(
        practice=actor.practice, is_active=True, role__in=CLINICIAN_ROLES
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name"))


OPEN_STATUSES = (VisitStatus.SCHEDULED, VisitStatus.ARRIVED)


def visits_of_child(actor: Actor, child: Child, *, recent: int = 5) -> list[Visit]:
    """The child's open visits (booked or arrived, a past one left open included: someone
    should say what happened), then the last few that are over."""
    visits = (
        scoped(actor, Visit, need=Capability.CHART_READ)
        .filter(child=child)
        .select_related("site", "clinician")
    )
    open_ = visits.filter(status__in=OPEN_STATUSES).order_by("starts_at")
    past = visits.exclude(status__in=OPEN_STATUSES).order_by("-starts_at")[:recent]
    return [*open_, *past]


def family_times(child: Child) -> list[Caregiver]:
    """The child's caregivers with their good times, in their words (one query each)."""
    return list(
        Caregiver.objects.filter(
            practice_id=child.practice_id, family_id=child.family_id
        ).prefetch_related(Prefetch("availability", queryset=AvailabilityWindow.objects.all()))
    )


ALL_SITES = "all"


def choose_site(sites: list[Site], wanted: str, remembered: str) -> Site | None:
    """The site whose day is shown: the one asked for ("all" for every site), else the one
    this person chose last, else the first. An id that is not one of the practice's sites
    falls back the same way (no row of another practice is ever reached by id here)."""
    by_id = {str(site.pk): site for site in sites}
    for choice in (wanted, remembered):
        if choice == ALL_SITES:
            return None
        if choice in by_id:
            return by_id[choice]
    return sites[0] if sites else None
