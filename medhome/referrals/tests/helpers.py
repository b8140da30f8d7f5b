"""Referrals in a given state, straight through the services (or, for a far state, the table)."""

from datetime import datetime, timedelta

from medhome.core.actor import Actor
from medhome.directory.models import Organization
from medhome.families.models import Caregiver, Child
from medhome.referrals import services
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from .conftest import MOMENT


def draft(
    actor: Actor,
    child: Child,
    organization: Organization,
    *,
    need: str = "food",
    priority: str = "routine",
    at: datetime = MOMENT,
    **extra,
) -> Referral:
    return services.start_referral(
        actor=actor,
        child=child,
        need=need,
        organization=organization,
        priority=priority,
        reason="Food runs out before the end of the month.",
        at=at,
        **extra,
    )


def consented(
    actor: Actor,
    referral: Referral,
    caregiver: Caregiver,
    *,
    items: tuple[str, ...] = ("need", "contact", "language", "notes", "child_age"),
    notes: str = "Prefers mornings.",
    at: datetime = MOMENT,
) -> Referral:
    services.record_consent(
        actor=actor,
        referral=referral,
        caregiver=caregiver,
        shared_items=list(items),
        notes_to_share=notes if "notes" in items else "",
        method="verbal",
        at=at,
    )
    return referral


def sent(
    actor: Actor,
    child: Child,
    caregiver: Caregiver,
    organization: Organization,
    *,
    at: datetime = MOMENT,
    **extra,
) -> Referral:
    referral = consented(actor, draft(actor, child, organization, at=at, **extra), caregiver, at=at)
    return services.send(actor=actor, referral=referral, at=at)


def screen(child: Child, *, domains: list[str], positive: bool = True) -> Administration:
    return Administration.objects.create(
        practice=child.practice,
        child=child,
        instrument_key="ahc_hrsn",
        instrument_version="2024",
        mode="tablet",
        respondent="caregiver",
        language="es",
        status="scored",
        answers={"q1": "often", "q2": "sometimes"},
        started_at=MOMENT - timedelta(hours=1),
        updated_at=MOMENT - timedelta(hours=1),
        submitted_at=MOMENT - timedelta(hours=1),
        total=7,
        band="positive",
        positive=positive,
        positive_domains=domains,
        icd10="Z59.41",
    )
