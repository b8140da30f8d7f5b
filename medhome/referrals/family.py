"""The family's own view of their referrals: a one-time-shown, expiring link per child."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child

from .models import FamilyStatusLink, Referral

LINK_DAYS = 60  # medhome rule: long enough to follow a referral to its close (30-day default)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_status_link(
    *, actor: Actor, child: Child, language: str, at: datetime
) -> tuple[FamilyStatusLink, str]:
    if not actor.can(Capability.REFERRAL_SEND):
        raise PermissionDenied
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = FamilyStatusLink.objects.create(
            practice=child.practice,
            child=child,
            token_digest=digest(token),
            language=language,
            created_by=actor.user,
            created_at=at,
            expires_at=at + timedelta(days=LINK_DAYS),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="referral_status_link",
            object_id=link.pk,
            at=at,
            detail={"child": str(child.pk)},
        )
    return link, token


def open_status_link(token: str, *, at: datetime) -> FamilyStatusLink | None:
    link = (
        FamilyStatusLink.objects.select_related("child", "practice")
        .filter(token_digest=digest(token))
        .first()
    )
    return link if link is not None and at < link.expires_at else None


def family_referrals(link: FamilyStatusLink) -> QuerySet[Referral]:
    """The child's sent referrals a caregiver consented to; never a safety referral or an
    adolescent's own (Referral.objects.family_visible). This link is not bound to a caregiver
    yet; the portal's bound link uses selectors.family_visible_referrals."""
    return (
        Referral.objects.family_visible()
        .filter(
            practice_id=link.practice_id,
            child=link.child,
            consent__given_by_caregiver__isnull=False,
        )
        .select_related("organization", "service")
        .order_by("-requested_at")
    )
