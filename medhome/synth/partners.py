"""The demo's community partners: the synthetic directory, a login for two organizations, the
practices' trusted and on-site partners, and a few months of referrals so the loop figures and
the organizations' inboxes have something in them. Everything is invented."""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medhome.accounts.models import User
from medhome.accounts.roles import capabilities_of
from medhome.core.actor import Actor
from medhome.directory.models import Organization, PracticePartner, Service
from medhome.directory.selectors import search_services
from medhome.directory.services import curate
from medhome.directory.vocabulary import Need
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice
from medhome.referrals import services as referrals
from medhome.referrals.models import PartnerMembership, Referral
from medhome.synth.directory import load_demo_directory

FOOD_BANK = "Ocean State Food Bank"
LEGAL = "Harbor Medical-Legal Partnership"
# (login, first, last, organization name)
PARTNER_STAFF = (
    ("pantry@oceanstate.demo", "Joana", "Silva", FOOD_BANK),
    ("intake@harbormlp.demo", "Marcus", "Bell", LEGAL),
)
HISTORY_REFERRALS = 24
# The history's referral that the organization never answers (n of _history's loop).
STUCK = 0
DIRECTORY_SEED = 2026


def _user(username: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": username,
            "first_name": first,
            "last_name": last,
            "display_name": f"{first} {last}",
        },
    )
    if created:
        user.set_password(settings.MEDHOME_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _coordinator(practice: Practice) -> Actor:
    membership = (
        Membership.objects.filter(practice=practice, role="care_coordinator")
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    assert membership is not None, "the demo practice has a care coordinator"
    return Actor(
        user=membership.user,
        practice=practice,
        role=membership.role,
        capabilities=capabilities_of(membership.role),
    )


def load_demo_partners(practices: list[Practice], *, now: datetime) -> list[tuple[str, str]]:
    """Idempotent. Returns (login, organization) for the partner logins."""
    load_demo_directory(seed=DIRECTORY_SEED)
    logins = []
    with transaction.atomic():
        for username, first, last, name in PARTNER_STAFF:
            organization = Organization.objects.get(name=name)
            user = _user(username, first, last)
            PartnerMembership.objects.get_or_create(user=user, organization=organization)
            logins.append((username, name))
        for practice in practices:
            if PracticePartner.objects.filter(practice=practice).exists():
                continue
            coordinator = _coordinator(practice)
            curate(
                coordinator,
                Organization.objects.get(name=FOOD_BANK),
                True,
                False,
                "Same-week pantry appointments; Spanish spoken.",
                now,
            )
            curate(
                coordinator,
                Organization.objects.get(name=LEGAL),
                True,
                True,
                "Attorney in clinic Tuesdays and Thursdays.",
                now,
            )
    for practice in practices:
        if not Referral.objects.filter(practice=practice).exists():
            _history(practice, now=now)
    return logins


def _history(practice: Practice, *, now: datetime) -> None:
    """A few months of referrals with a realistic mix of outcomes (not every loop closes)."""
    rng = random.Random(f"referrals:{practice.pk}")
    coordinator = _coordinator(practice)
    children = list(Child.objects.filter(practice=practice).order_by("pk")[:400])
    by_need: dict[str, list[Service]] = {
        need: [hit.service for hit in search_services(need=need, limit=50) if hit.organization]
        for need in (Need.FOOD, Need.HOUSING, Need.LEGAL, Need.BENEFITS)
    }
    needs = [need for need, found in by_need.items() if found]
    for n in range(HISTORY_REFERRALS):
        child = rng.choice(children)
        need = rng.choice(needs)
        service = rng.choice(by_need[need])
        started = now - timedelta(days=rng.randint(5, 120), hours=rng.randint(0, 8))
        if n == STUCK:
            # Two weeks without an answer, whatever the draws: the case-review list shows a
            # stuck referral on every fresh demo (docs/clinical-rules.md#case-review).
            started = now - timedelta(days=14)
        referral = referrals.start_referral(
            actor=coordinator,
            child=child,
            need=need,
            organization=service.organization,
            service=service,
            priority="routine",
            reason="Synthetic demo referral.",
            at=started,
        )
        caregiver = child.family.caregivers.order_by("pk").first()
        referrals.record_consent(
            actor=coordinator,
            referral=referral,
            caregiver=caregiver,
            shared_items=["name", "contact", "language", "need"],
            notes_to_share="",
            method="verbal",
            at=started,
        )
        referrals.send(actor=coordinator, referral=referral, at=started)
        _progress(rng, referral, started, n)


def _progress(rng: random.Random, referral: Referral, started: datetime, n: int) -> None:
    membership = PartnerMembership.objects.filter(organization=referral.organization).first()
    if membership is None:  # an organization without a demo login still answers its referrals
        user = _user(f"staff-{str(referral.organization_id)[:8]}@partner.demo", "Intake", "Team")
        membership = PartnerMembership.objects.create(user=user, organization=referral.organization)
    organization_actor = Actor(
        user=membership.user,
        organization=referral.organization,
        role="partner_staff",
        capabilities=frozenset({"referral.respond"}),
    )
    roll = rng.random()
    if roll < 0.15 or n == STUCK:
        return  # no response yet: the sweep turns it into a follow-up task
    accepted = started + timedelta(days=rng.randint(0, 3), hours=2)
    if roll < 0.25:
        referrals.change_status(
            actor=organization_actor,
            referral=referral,
            to_status="rejected",
            reason="Outside our service area.",
            at=accepted,
        )
        return
    referrals.change_status(
        actor=organization_actor, referral=referral, to_status="accepted", at=accepted
    )
    if roll < 0.45:
        return
    closed = accepted + timedelta(days=rng.randint(2, 25))
    outcome = rng.choice(["need_met", "need_met", "need_met", "partly_met", "unable_to_reach"])
    referrals.change_status(
        actor=organization_actor,
        referral=referral,
        to_status="completed",
        outcome=outcome,
        outcome_note="Synthetic demo outcome.",
        at=closed,
    )


def demo_moment(day: object) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))  # type: ignore[arg-type]
