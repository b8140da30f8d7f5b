"""The demo practices' programs (synth/programs.py) and one story infant per practice, recorded
through the real services: a Spanish-speaking family's infant of about 4 months, enrolled in DULCE
(and HealthySteps tier 1) at their first visit, with the family specialist at each past visit and,
at the last one, a benefits support whose referral was sent with the caregiver's consent and is
still open — so today's visit and the weekly DULCE case review have something to work on.
Idempotent: a practice with program enrolments is left alone. All of it invented.
"""

from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any

from django.db import transaction
from django.utils import timezone

from medhome.accounts.roles import capabilities_of
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice
from medhome.programs import contacts as program_contacts
from medhome.programs import services as programs
from medhome.programs import supports
from medhome.programs.models import Enrolment, Program
from medhome.referrals.services.consent import record_consent
from medhome.referrals.services.referral import send
from medhome.visits.models import Visit

from .demo_history import _organizations
from .programs import add_programs

STORY_AGE_DAYS = (105, 150)  # about 4 months old on the demo's today
STORY_STRENGTHS = "Mamá calmó al bebé cantándole; she reads his cues very well."


def _actor(practice: Practice, role: str) -> Actor | None:
    membership = (
        Membership.objects.filter(practice=practice, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if membership is None:
        return None
    return Actor(
        user=membership.user, practice=practice, role=role, capabilities=capabilities_of(role)
    )


def story_infant(practice: Practice, today: date) -> Child | None:
    """A Spanish-speaking family's infant of about 4 months, one with a visit today first."""
    low, high = STORY_AGE_DAYS
    infants = list(
        Child.objects.filter(
            practice=practice,
            preferred_language="es",
            date_of_birth__lte=today - timedelta(days=low),
            date_of_birth__gte=today - timedelta(days=high),
        ).order_by("pk")
    )
    start = timezone.make_aware(datetime.combine(today, time.min))
    booked = set(
        Visit.objects.filter(
            child__in=infants, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        ).values_list("child_id", flat=True)
    )
    infants.sort(key=lambda c: (c.pk not in booked, abs((today - c.date_of_birth).days - 122)))
    return infants[0] if infants else None


def load_demo_programs(practice: Practice, *, today: date, now: datetime) -> Child | None:
    """The practice's programs and their histories, then the story infant; returns the infant."""
    if Enrolment.objects.filter(practice=practice).exists():
        child = story_infant(practice, today)
        known = Enrolment.objects.filter(child=child, program__key="dulce").exists()
        return child if child is not None and known else None
    child = story_infant(practice, today)
    organizations = _organizations()
    organizations.update(_support_organizations())
    add_programs(
        practice,
        Child.objects.filter(practice=practice).order_by("pk"),
        today,
        Random(f"programs:{practice.pk}:{today.isoformat()}"),
        organizations=organizations,
        skip=frozenset({child.pk}) if child else frozenset(),
        at=now,
    )
    if child is not None:
        _story(practice, child, today=today, now=now, organization=organizations.get("benefits"))
    return child


def _support_organizations() -> dict[str, Any]:
    from medhome.directory.selectors import search_services

    found = {}
    for need in ("benefits", "child_care", "legal"):
        hit = next((h for h in search_services(need=need, limit=10) if h.organization), None)
        if hit is not None and hit.organization is not None:
            found[need] = hit.organization.pk
    return found


@transaction.atomic
def _story(
    practice: Practice, child: Child, *, today: date, now: datetime, organization: Any
) -> None:
    specialist = _actor(practice, "family_specialist")
    if specialist is None:
        return
    caregiver = child.family.caregivers.order_by("-is_primary_contact", "pk").first()
    past = list(
        Visit.objects.filter(
            child=child,
            kind="well_child",
            status="completed",
            starts_at__lt=timezone.make_aware(datetime.combine(today, time.min)),
        ).order_by("starts_at")
    )
    start = clock.local_date(past[0].starts_at) if past else child.date_of_birth
    dulce = Program.objects.get(practice=practice, key="dulce")
    for key in ("dulce", "healthysteps"):
        programs.enrol(
            actor=specialist,
            program=Program.objects.get(practice=practice, key=key),
            child=child,
            on=start,
            at=now,
            agreement="spoken",
            agreed_by=caregiver,
            staff=specialist.user if key == "dulce" else None,
        )
    contact = None
    for visit in past:
        contact = program_contacts.record_contact(
            actor=specialist,
            program=dulce,
            child=child,
            kind="dulce_visit",
            on=clock.local_date(visit.starts_at),
            at=now,
            visit=visit,
            setting="clinic",
            topics=["feeding", "benefits"],
            strengths=STORY_STRENGTHS,
            protective_factors=["knowledge"],
            caregiver=caregiver,
        )
    if contact is None or organization is None or caregiver is None:
        return
    (support,) = supports.note_supports(
        actor=specialist, contact=contact, supports=["snap"], organization=organization, at=now
    )
    assert support.referral is not None
    record_consent(
        actor=specialist,
        referral=support.referral,
        caregiver=caregiver,
        shared_items=["name", "contact", "language", "need"],
        method="verbal",
        at=now,
    )
    send(actor=specialist, referral=support.referral, at=now)
