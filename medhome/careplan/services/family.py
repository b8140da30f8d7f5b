"""The family's side of the plan: its link, and the goals and notes it adds from there.

The family may add goals and notes and change its own goals, never the team's clinical items."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver

from ..models import (
    CarePlan,
    FamilyPlanLink,
    Goal,
    GoalStatus,
    PlanAction,
    ProgressNote,
    Side,
)
from .common import (
    FAMILY_GOAL_FIELDS,
    FAMILY_LANGUAGES,
    KEEP,
    FamilyEditRefused,
    Keep,
    apply_changes,
    check_version,
    created_changes,
    given,
    log_change,
    require_edit,
    required_text,
)


class LinkInvalid(Exception):
    """`reason` is unknown, expired or revoked."""

    def __init__(self, reason: str, link: FamilyPlanLink | None = None) -> None:
        super().__init__(reason)
        self.reason, self.link = reason, link


DEFAULT_LINK_DAYS = 90


def link_lifetime_days() -> int:
    return int(getattr(settings, "CAREPLAN_FAMILY_LINK_DAYS", DEFAULT_LINK_DAYS))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_family_link(
    *,
    actor: Actor,
    plan: CarePlan,
    caregiver: Caregiver,
    at: datetime,
    days: int | None = None,
) -> tuple[FamilyPlanLink, str]:
    """A link the caregiver can come back to until it expires; the token is shown once."""
    require_edit(actor, plan.practice_id)
    if caregiver.practice_id != plan.practice_id or caregiver.family_id != plan.child.family_id:
        raise ValidationError({"caregiver": _("Choose a caregiver of this child's family.")})
    language = (
        caregiver.preferred_language if caregiver.preferred_language in FAMILY_LANGUAGES else "en"
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = FamilyPlanLink.objects.create(
            practice_id=plan.practice_id,
            child_id=plan.child_id,
            plan=plan,
            caregiver=caregiver,
            token_digest=token_digest(token),
            language=language,
            created_by=actor.user,
            created_at=at,
            expires_at=at + timedelta(days=days if days is not None else link_lifetime_days()),
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="careplan.familyplanlink",
            object_id=link.pk,
            at=at,
            detail={"days": (link.expires_at - at).days},
        )
    return link, token


def revoke_family_link(*, actor: Actor, link: FamilyPlanLink, at: datetime) -> None:
    require_edit(actor, link.practice_id)
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at = at
            link.save(update_fields=["revoked_at"])
            record(
                actor=actor,
                action=Action.UPDATE,
                object_type="careplan.familyplanlink",
                object_id=link.pk,
                at=at,
                detail={"fields": ["revoked_at"]},
            )


def open_family_link(token: str, *, at: datetime) -> FamilyPlanLink:
    link = (
        FamilyPlanLink.objects.select_related("plan", "child__family", "caregiver", "practice")
        .filter(token_digest=token_digest(token))
        .first()
    )
    if link is None:
        raise LinkInvalid("unknown")
    if link.revoked_at is not None:
        raise LinkInvalid("revoked", link)
    if at >= link.expires_at:
        raise LinkInvalid("expired", link)
    return link


def family_actor(link: FamilyPlanLink, request_id: str = "") -> Actor:
    """The family is not a user: audit events name the link's role instead."""
    return Actor(user=None, practice=link.practice, role="family_plan_link", request_id=request_id)


@dataclass(frozen=True)
class _FamilyContext:
    link: FamilyPlanLink
    actor: Actor
    label: str


def _family(link: FamilyPlanLink, request_id: str) -> _FamilyContext:
    return _FamilyContext(link, family_actor(link, request_id), str(link.caregiver))


def _refused_message(link: FamilyPlanLink, kind: str) -> str:
    with translation.override(link.language if link.language in FAMILY_LANGUAGES else "en"):
        if kind == "action":
            return _(
                "This step belongs to your care team, so only they can change it. You can "
                "tell them at your next visit or call the clinic."
            )
        return _(
            "This goal belongs to your care team, so only they can change it or add notes to "
            "it. You can tell them at your next visit or call the clinic."
        )


def _own_goal(link: FamilyPlanLink, item: Goal | PlanAction) -> Goal:
    if isinstance(item, PlanAction):
        raise FamilyEditRefused(_refused_message(link, "action"))
    if item.practice_id != link.practice_id or item.plan_id != link.plan_id:
        raise Http404
    if not item.family_may_edit:
        raise FamilyEditRefused(_refused_message(link, "goal"))
    return item


def family_add_goal(
    *,
    link: FamilyPlanLink,
    text: str,
    target_on: date | None = None,
    at: datetime,
    request_id: str = "",
) -> Goal:
    """A goal in the family's words; the caregiver owns it."""
    family = _family(link, request_id)
    cleaned = required_text(text)
    with transaction.atomic():
        goal = Goal.objects.create(
            practice_id=link.practice_id,
            plan_id=link.plan_id,
            text=cleaned,
            owner_caregiver=link.caregiver,
            owner_is_family=True,
            target_on=target_on,
            status=GoalStatus.NOT_STARTED,
            created_by_family=True,
            created_at=at,
            updated_at=at,
        )
        log_change(
            actor=family.actor,
            plan=link.plan,
            label=family.label,
            side=Side.FAMILY,
            obj=goal,
            operation="create",
            changes=created_changes(goal, FAMILY_GOAL_FIELDS),
            at=at,
        )
    return goal


def family_update_own_goal(
    *,
    link: FamilyPlanLink,
    goal: Goal | PlanAction,
    version: int | None,
    text: str | Keep = KEEP,
    target_on: date | None | Keep = KEEP,
    status: str | Keep = KEEP,
    at: datetime,
    request_id: str = "",
) -> Goal:
    """Only goals the family wrote or a caregiver owns; text, target date and status."""
    family = _family(link, request_id)
    own = _own_goal(link, goal)
    values = given(text=text, target_on=target_on, status=status)
    if "text" in values:
        values["text"] = required_text(values["text"])
    if "status" in values and values["status"] not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=own.pk)
        _own_goal(link, locked)
        check_version(locked, version, _("goal"))
        changes = apply_changes(locked, values, FAMILY_GOAL_FIELDS)
        if not changes:
            return locked
        locked.version += 1
        locked.updated_at = at
        locked.save()
        log_change(
            actor=family.actor,
            plan=link.plan,
            label=family.label,
            side=Side.FAMILY,
            obj=locked,
            operation="update",
            changes=changes,
            at=at,
        )
        return locked


def family_add_note(
    *,
    link: FamilyPlanLink,
    goal: Goal | PlanAction,
    text: str,
    at: datetime,
    request_id: str = "",
) -> ProgressNote:
    family = _family(link, request_id)
    own = _own_goal(link, goal)
    cleaned = required_text(text)
    with transaction.atomic():
        note = ProgressNote.objects.create(
            practice_id=link.practice_id, goal=own, text=cleaned, by_caregiver=link.caregiver, at=at
        )
        log_change(
            actor=family.actor,
            plan=link.plan,
            label=family.label,
            side=Side.FAMILY,
            obj=note,
            operation="create",
            changes=[{"field": "text", "old": "", "new": cleaned, "goal": str(own.pk)}],
            at=at,
        )
    return note
