"""Issue, open, revoke and finish the family's links: the one link mechanism of medhome.

Every family page (screening, care plan, referral status, and later reminders and visit pages)
opens its link here, so the rules exist once: the token is shown once and only its sha256
digest is kept; a link is bound to the caregiver it was made for; it expires after its
purpose's lifetime; staff who may issue a purpose's links may revoke them; a single-use link
(screening) is finished once its work is sent. Which rows a page shows is the purpose's app's
business, never this module's.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.languages import normalize_language
from medhome.families.models import Caregiver, Child
from medhome.practices.scoping import scoped

from .models import FamilyLink, Purpose

LINK_OBJECT = "portal.familylink"
# The pages' own words exist in these languages; a family's other language is kept on the link
# (a screener may exist in it) and the page falls back to English.
PAGE_LANGUAGES = ("en", "es")
# medhome rules, each overridable by MEDHOME_FAMILY_LINK_DAYS: a week covers "before the visit"
# for families who answer in the evening or at the weekend; a care plan is revisited over
# months; a referral is followed to its close (30-day default follow-up, twice over).
LIFETIME_DAYS = {
    Purpose.SCREENING: 7,
    Purpose.CARE_PLAN: 90,
    Purpose.REFERRAL_STATUS: 60,
    # The experience survey asks about one visit: answered within two weeks or not at all.
    Purpose.EXPERIENCE: 14,
    Purpose.PARENT_GROUPS: 60,
}
# Who may issue a purpose's links may also revoke them.
ISSUER = {
    Purpose.SCREENING: Capability.SCREENING_SEND,
    Purpose.CARE_PLAN: Capability.PLAN_EDIT,
    Purpose.REFERRAL_STATUS: Capability.REFERRAL_SEND,
    # The survey goes out by itself after a visit (medhome.experience); staff may send it again.
    Purpose.EXPERIENCE: Capability.SCREENING_SEND,
    Purpose.PARENT_GROUPS: Capability.PARENT_GROUPS_RUN,
}


class LinkInvalid(Exception):
    """`reason` is unknown, expired, revoked or used; `link` is None when unknown."""

    def __init__(self, reason: str, link: FamilyLink | None = None) -> None:
        super().__init__(reason)
        self.reason, self.link = reason, link


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime(purpose: str) -> timedelta:
    days = {**LIFETIME_DAYS, **getattr(settings, "MEDHOME_FAMILY_LINK_DAYS", {})}[purpose]
    return timedelta(days=int(days))


def may_issue(actor: Actor, purpose: str) -> bool:
    return actor.can(ISSUER[Purpose(purpose)])


def page_language(*, chosen: str | None, link: FamilyLink | None, browser: str | None) -> str:
    """The language of a family page's own words: the one the family picks on the page, else
    the link's, else the browser's, else English."""
    for candidate in (chosen, link.language if link else None, browser):
        if candidate in PAGE_LANGUAGES:
            return candidate
    return "en"


def default_caregiver(child: Child) -> Caregiver | None:
    """Whom a link is for unless staff choose: the family's primary contact, else the first."""
    return child.family.caregivers.order_by("-is_primary_contact", "given_name", "pk").first()


def family_actor(link: FamilyLink, request_id: str = "") -> Actor:
    """The family is not a user: audit events name the link's role instead."""
    return Actor(user=None, practice=link.practice, role="family_link", request_id=request_id)


# --- Staff ----------------------------------------------------------------------------------


def issue_link(
    *,
    actor: Actor,
    purpose: str,
    child: Child,
    caregiver: Caregiver | None,
    at: datetime,
    language: str = "",
    channel: str = "",
    detail: dict[str, Any] | None = None,
) -> tuple[FamilyLink, str]:
    """A new link for one caregiver of the child's family; the token is returned once and
    never stored. `detail` is added to the audit event (identifiers only, never PHI)."""
    if not may_issue(actor, purpose) or child.practice_id != actor.practice_id:
        raise PermissionDenied
    if (
        caregiver is None
        or caregiver.practice_id != child.practice_id
        or caregiver.family_id != child.family_id
    ):
        raise ValidationError({"caregiver": _("Choose a caregiver of this child's family.")})
    try:
        code = normalize_language(language or caregiver.preferred_language or "en")
    except ValidationError as unknown:
        raise ValidationError({"language": unknown.messages}) from unknown
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = FamilyLink.objects.create(
            practice_id=child.practice_id,
            purpose=purpose,
            child=child,
            caregiver=caregiver,
            token_digest=digest(token),
            language=code,
            channel=channel,
            created_by=actor.user,
            created_at=at,
            expires_at=at + lifetime(purpose),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=LINK_OBJECT,
            object_id=link.pk,
            at=at,
            detail={
                "purpose": purpose,
                "child": str(child.pk),
                "caregiver": str(caregiver.pk),
                **(detail or {}),
            },
        )
    return link, token


def revoke_link(*, actor: Actor, link: FamilyLink, at: datetime) -> None:
    """The link stops working at once (sent to the wrong number, no longer wanted)."""
    if link.practice_id != actor.practice_id:
        raise Http404
    if not may_issue(actor, link.purpose):
        raise PermissionDenied
    with transaction.atomic():
        locked = FamilyLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at, locked.revoked_by = at, actor.user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        link.revoked_at, link.revoked_by = at, actor.user
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=LINK_OBJECT,
            object_id=link.pk,
            at=at,
            detail={"fields": ["revoked_at"], "purpose": link.purpose},
        )


def access_link(actor: Actor, link_id: UUID | str) -> FamilyLink:
    """A link of the actor's practice (404 otherwise); the role check is revoke_link's."""
    link = (
        scoped(actor, FamilyLink, need=Capability.CHART_READ)
        .select_related("child", "caregiver")
        .filter(pk=link_id)
        .first()
    )
    if link is None:
        raise Http404
    return link


def live_links(actor: Actor, child: Child, *, at: datetime) -> list[FamilyLink]:
    """Every link to the child's family that still works: this child's and its siblings'."""
    return list(
        _live(actor, child, at=at)
        .select_related("child", "caregiver", "created_by")
        .order_by("-created_at")
    )


def live_link_count(actor: Actor, child: Child, *, at: datetime) -> int:
    """How many of live_links there are (the chart's panel shows only the number)."""
    return _live(actor, child, at=at).count()


def _live(actor: Actor, child: Child, *, at: datetime) -> QuerySet[FamilyLink]:
    purposes = [purpose for purpose in Purpose if may_issue(actor, purpose)]
    return scoped(actor, FamilyLink, need=Capability.CHART_READ).filter(
        child__family_id=child.family_id,
        purpose__in=purposes,
        revoked_at__isnull=True,
        finished_at__isnull=True,
        expires_at__gt=at,
    )


def links_of(actor: Actor, child: Child, *, purpose: str, limit: int = 10) -> list[FamilyLink]:
    """The child's recent links of one purpose, live or not, for that purpose's panel."""
    if not may_issue(actor, purpose):
        return []
    return list(
        scoped(actor, FamilyLink, need=Capability.CHART_READ)
        .filter(child=child, purpose=purpose)
        .select_related("caregiver")
        .order_by("-created_at")[:limit]
    )


# --- The family -----------------------------------------------------------------------------


def open_link(token: str, *, purpose: str, at: datetime) -> FamilyLink:
    """The link behind a token, for a page of this purpose, or LinkInvalid.

    A token of another purpose is unknown here: a screening link never opens the care plan.
    """
    link = (
        FamilyLink.objects.select_related("child__family", "caregiver", "practice")
        .filter(token_digest=digest(token), purpose=purpose)
        .first()
    )
    if link is None:
        raise LinkInvalid("unknown")
    if link.revoked_at is not None:
        raise LinkInvalid("revoked", link)
    if link.single_use and link.finished_at is not None:
        raise LinkInvalid("used", link)
    if at >= link.expires_at:
        raise LinkInvalid("expired", link)
    # Staff see when a link was last used; one narrow write, no audit row per page view.
    FamilyLink.objects.filter(pk=link.pk).filter(
        Q(last_opened_at__isnull=True) | Q(last_opened_at__lt=at)
    ).update(last_opened_at=at)
    link.last_opened_at = at
    return link


def finish_link(*, link_id: UUID, done: bool, at: datetime) -> None:
    """A single-use link is used up once its purpose says its work is done. Called inside the
    purpose's own transaction; the row lock keeps two last submissions from racing."""
    link = FamilyLink.objects.select_for_update().get(pk=link_id)
    if done and link.single_use and link.finished_at is None:
        link.finished_at = at
        link.save(update_fields=["finished_at"])


def recently_finished(link: FamilyLink | None, *, at: datetime) -> bool:
    """A finished link's closing page stays reachable for an hour after the last answer."""
    return bool(link and link.finished_at and at - link.finished_at < timedelta(hours=1))
