"""Changes to the care team and the shared care plan.

Each service is one transaction: it checks the actor (PLAN_EDIT, same practice), checks the
version the editor saw (a stale edit is refused with a clear message), writes the change, bumps
the plan's version, writes one PlanChange (field names with old and new values: PHI, kept in
the practice's database) and one audit event (field names only, never values).

The family's services act through a FamilyPlanLink: they may add goals and notes and change
their own goals, never the team's clinical items.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.practices.models import Membership
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from .models import (
    ActionStatus,
    CarePlan,
    CareTeamMember,
    ExternalRole,
    FamilyPlanLink,
    Goal,
    GoalStatus,
    MemberKind,
    PlanAction,
    PlanChange,
    ProgressNote,
    Side,
)
from .selectors import plan_history

__all__ = [
    "FamilyEditRefused",
    "LinkInvalid",
    "StaleEdit",
    "add_action",
    "add_goal",
    "add_progress_note",
    "add_team_member",
    "create_family_link",
    "ensure_plan",
    "family_add_goal",
    "family_add_note",
    "family_update_own_goal",
    "open_family_link",
    "plan_history",
    "revoke_family_link",
    "update_action",
    "update_goal",
    "update_plan",
    "update_team_member",
]

FAMILY_LANGUAGES = ("en", "es")
DEFAULT_LINK_DAYS = 90

PLAN_FIELDS = ("family_priorities", "family_strengths", "review_on")
MEMBER_FIELDS = (
    "name",
    "organization",
    "external_role",
    "phone",
    "email",
    "role_label",
    "is_lead_coordinator",
    "is_active",
)
GOAL_FIELDS = ("text", "owner_caregiver", "owner_member", "target_on", "status")
FAMILY_GOAL_FIELDS = ("text", "target_on", "status")
ACTION_FIELDS = (
    "text",
    "goal",
    "owner_caregiver",
    "owner_member",
    "due_on",
    "status",
    "referral",
    "screening",
)


class StaleEdit(ValidationError):
    """Someone else saved a change after the editor opened the page."""


class FamilyEditRefused(PermissionDenied):
    """The family tried to change one of the team's clinical items; the message is in the
    family's language."""


class LinkInvalid(Exception):
    """`reason` is unknown, expired or revoked."""

    def __init__(self, reason: str, link: FamilyPlanLink | None = None) -> None:
        super().__init__(reason)
        self.reason, self.link = reason, link


def link_lifetime_days() -> int:
    return int(getattr(settings, "CAREPLAN_FAMILY_LINK_DAYS", DEFAULT_LINK_DAYS))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Helpers ------------------------------------------------------------------------------


def _require_edit(actor: Actor, practice_id: Any) -> None:
    if not actor.can(Capability.PLAN_EDIT):
        raise PermissionDenied
    if actor.practice_id is None or practice_id != actor.practice_id:
        # Another practice's row answers like a missing one.
        raise Http404


def _check_version(obj: Any, version: int | None, what: str) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleEdit(
            _(
                "Someone else changed this %(what)s since you opened it. Reload the page to "
                "see their change, then make yours again."
            ),
            code="stale",
            params={"what": what},
        )


def _staff_label(actor: Actor) -> str:
    user = actor.user
    if user is not None and getattr(user, "pk", None):
        return user.get_full_name() or user.get_username()
    return actor.role or "system"


def _shown(value: Any) -> Any:
    """A value as kept in the history: JSON-friendly and readable."""
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def _apply(obj: models.Model, values: dict[str, Any], allowed: tuple[str, ...]) -> list[dict]:
    changes = []
    for field in allowed:
        if field not in values:
            continue
        old, new = getattr(obj, field), values[field]
        if old != new:
            setattr(obj, field, new)
            changes.append({"field": field, "old": _shown(old), "new": _shown(new)})
    return changes


def _locked_plan(plan: CarePlan) -> CarePlan:
    return CarePlan.objects.select_for_update().get(pk=plan.pk)


def _log(
    *,
    actor: Actor,
    plan: CarePlan,
    label: str,
    side: str,
    obj: models.Model,
    operation: str,
    changes: list[dict],
    at: datetime,
    bump: bool = True,
) -> PlanChange:
    """Bump the plan's version and write its history row and the audit event."""
    if bump:
        locked = _locked_plan(plan)
        locked.version += 1
        locked.updated_at = at
        locked.save(update_fields=["version", "updated_at"])
        plan.version, plan.updated_at = locked.version, at
    object_type = obj._meta.model_name or ""
    change = PlanChange.objects.create(
        practice_id=plan.practice_id,
        plan=plan,
        at=at,
        actor_label=label,
        side=side,
        object_type=object_type,
        object_id=str(obj.pk),
        operation=operation,
        changes=changes,
        version=plan.version,
    )
    record(
        actor=actor,
        action=Action.CREATE if operation == "create" else Action.UPDATE,
        object_type=f"careplan.{object_type}",
        object_id=obj.pk,
        at=at,
        practice=plan.practice,
        detail={"fields": [entry["field"] for entry in changes], "version": plan.version},
    )
    return change


def _ensure_same_child(plan: CarePlan, values: dict[str, Any]) -> None:
    """Owners, goals, referrals and screenings must belong to the plan's own child."""
    errors: dict[str, str] = {}
    caregiver = values.get("owner_caregiver")
    if caregiver is not None and (
        caregiver.practice_id != plan.practice_id or caregiver.family_id != plan.child.family_id
    ):
        errors["owner_caregiver"] = _("Choose a caregiver of this child's family.")
    member = values.get("owner_member")
    if member is not None and (
        member.practice_id != plan.practice_id or member.child_id != plan.child_id
    ):
        errors["owner_member"] = _("Choose a member of this child's care team.")
    if values.get("owner_caregiver") is not None and values.get("owner_member") is not None:
        errors["owner_member"] = _("A goal or action has one owner.")
    goal = values.get("goal")
    if goal is not None and (goal.practice_id != plan.practice_id or goal.plan_id != plan.pk):
        errors["goal"] = _("Choose a goal of this plan.")
    referral: Referral | None = values.get("referral")
    if referral is not None and (
        referral.practice_id != plan.practice_id or referral.child_id != plan.child_id
    ):
        errors["referral"] = _("Only this child's referrals can be linked.")
    screening: Administration | None = values.get("screening")
    if screening is not None and (
        screening.practice_id != plan.practice_id or screening.child_id != plan.child_id
    ):
        errors["screening"] = _("Only this child's screenings can be linked.")
    if errors:
        raise ValidationError(errors)


def _owner_is_family(values: dict[str, Any]) -> bool:
    member = values.get("owner_member")
    return values.get("owner_caregiver") is not None or (
        member is not None and member.kind == MemberKind.CAREGIVER
    )


def _required_text(text: str, field: str = "text") -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError({field: _("Write a few words.")})
    return cleaned


# --- The plan -----------------------------------------------------------------------------


def ensure_plan(*, actor: Actor, child: Child, at: datetime) -> CarePlan:
    """The child's plan, created (version 1) the first time it is needed."""
    _require_edit(actor, child.practice_id)
    with transaction.atomic():
        existing = CarePlan.objects.filter(practice_id=child.practice_id, child=child).first()
        if existing is not None:
            return existing
        plan = CarePlan(
            practice_id=child.practice_id, child=child, version=1, created_at=at, updated_at=at
        )
        plan.save()
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=plan,
            operation="create",
            changes=[],
            at=at,
            bump=False,
        )
        return plan


def update_plan(
    *, actor: Actor, plan: CarePlan, version: int | None, values: dict[str, Any], at: datetime
) -> CarePlan:
    """The family's priorities and strengths (in their words) and the review date."""
    _require_edit(actor, plan.practice_id)
    with transaction.atomic():
        locked = _locked_plan(plan)
        _check_version(locked, version, _("plan"))
        changes = _apply(locked, values, PLAN_FIELDS)
        if not changes:
            return locked
        locked.save(update_fields=[entry["field"] for entry in changes])
        _log(
            actor=actor,
            plan=locked,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=locked,
            operation="update",
            changes=changes,
            at=at,
        )
        return locked


# --- The care team ------------------------------------------------------------------------


def _validate_member(plan: CarePlan, member: CareTeamMember) -> None:
    errors: dict[str, str] = {}
    if member.kind == MemberKind.STAFF:
        if (
            member.user is None
            or not Membership.objects.active()
            .filter(practice_id=plan.practice_id, user=member.user)
            .exists()
        ):
            errors["user"] = _("Choose a staff member of this practice.")
    elif member.kind == MemberKind.CAREGIVER:
        if member.caregiver is None or member.caregiver.family_id != plan.child.family_id:
            errors["caregiver"] = _("Choose a caregiver of this child's family.")
    elif member.kind == MemberKind.EXTERNAL:
        if not member.name.strip():
            errors["name"] = _("Write the name of the person or the organization.")
        if member.external_role and member.external_role not in ExternalRole.values:
            errors["external_role"] = _("Choose a role.")
    else:
        errors["kind"] = _("Choose who this member is.")
    if member.is_lead_coordinator and member.kind != MemberKind.STAFF:
        errors["is_lead_coordinator"] = _(
            "The lead care coordinator is a staff member of the practice."
        )
    if errors:
        raise ValidationError(errors)


def _hand_over_lead(*, actor: Actor, plan: CarePlan, keep: CareTeamMember, at: datetime) -> None:
    """One lead coordinator per child: naming a new lead moves the role, and says so."""
    previous = (
        CareTeamMember.objects.select_for_update()
        .filter(practice_id=plan.practice_id, child_id=plan.child_id, is_lead_coordinator=True)
        .exclude(pk=keep.pk)
    )
    for member in previous:
        member.is_lead_coordinator = False
        member.version += 1
        member.updated_at = at
        member.save(update_fields=["is_lead_coordinator", "version", "updated_at"])
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=member,
            operation="update",
            changes=[{"field": "is_lead_coordinator", "old": True, "new": False}],
            at=at,
        )


def add_team_member(
    *,
    actor: Actor,
    plan: CarePlan,
    kind: str,
    values: dict[str, Any],
    user: Any = None,
    caregiver: Caregiver | None = None,
    at: datetime,
) -> CareTeamMember:
    _require_edit(actor, plan.practice_id)
    member = CareTeamMember(
        practice_id=plan.practice_id,
        child_id=plan.child_id,
        kind=kind,
        user=user if kind == MemberKind.STAFF else None,
        caregiver=caregiver if kind == MemberKind.CAREGIVER else None,
        created_at=at,
        updated_at=at,
    )
    for field in MEMBER_FIELDS:
        if field in values:
            setattr(member, field, values[field])
    _validate_member(plan, member)
    with transaction.atomic():
        if member.is_lead_coordinator:
            _hand_over_lead(actor=actor, plan=plan, keep=member, at=at)
        member.save()
        created = [
            {"field": field, "old": "", "new": _shown(getattr(member, field))}
            for field in ("kind", "user", "caregiver", *MEMBER_FIELDS)
            if getattr(member, field) not in (None, "", False)
        ]
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=member,
            operation="create",
            changes=created,
            at=at,
        )
    return member


def update_team_member(
    *,
    actor: Actor,
    member: CareTeamMember,
    version: int | None,
    values: dict[str, Any],
    at: datetime,
) -> CareTeamMember:
    _require_edit(actor, member.practice_id)
    with transaction.atomic():
        locked = CareTeamMember.objects.select_for_update().get(pk=member.pk)
        _check_version(locked, version, _("team member"))
        plan = ensure_plan(actor=actor, child=locked.child, at=at)
        changes = _apply(locked, values, MEMBER_FIELDS)
        if not changes:
            return locked
        _validate_member(plan, locked)
        if locked.is_lead_coordinator:
            _hand_over_lead(actor=actor, plan=plan, keep=locked, at=at)
        locked.version += 1
        locked.updated_at = at
        locked.save()
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=locked,
            operation="update",
            changes=changes,
            at=at,
        )
        return locked


# --- Goals and progress notes -------------------------------------------------------------


def add_goal(*, actor: Actor, plan: CarePlan, values: dict[str, Any], at: datetime) -> Goal:
    _require_edit(actor, plan.practice_id)
    text = _required_text(values.get("text", ""))
    _ensure_same_child(plan, values)
    status = values.get("status") or GoalStatus.NOT_STARTED
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        goal = Goal.objects.create(
            practice_id=plan.practice_id,
            plan=plan,
            text=text,
            owner_caregiver=values.get("owner_caregiver"),
            owner_member=values.get("owner_member"),
            owner_is_family=_owner_is_family(values),
            target_on=values.get("target_on"),
            status=status,
            created_by_family=False,
            created_at=at,
            updated_at=at,
        )
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=goal,
            operation="create",
            changes=_created(goal, GOAL_FIELDS),
            at=at,
        )
    return goal


def _created(obj: models.Model, fields: tuple[str, ...]) -> list[dict]:
    return [
        {"field": field, "old": "", "new": _shown(getattr(obj, field))}
        for field in fields
        if getattr(obj, field) not in (None, "")
    ]


def update_goal(
    *, actor: Actor, goal: Goal, version: int | None, values: dict[str, Any], at: datetime
) -> Goal:
    _require_edit(actor, goal.practice_id)
    if "text" in values:
        values = {**values, "text": _required_text(values["text"])}
    if "status" in values and values["status"] not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().select_related("plan__child").get(pk=goal.pk)
        _check_version(locked, version, _("goal"))
        plan = locked.plan
        owners = {
            "owner_caregiver": values.get("owner_caregiver", locked.owner_caregiver),
            "owner_member": values.get("owner_member", locked.owner_member),
        }
        _ensure_same_child(plan, owners)
        changes = _apply(locked, values, GOAL_FIELDS)
        if not changes:
            return locked
        locked.owner_is_family = _owner_is_family(owners)
        locked.version += 1
        locked.updated_at = at
        locked.save()
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=locked,
            operation="update",
            changes=changes,
            at=at,
        )
        return locked


def add_progress_note(*, actor: Actor, goal: Goal, text: str, at: datetime) -> ProgressNote:
    _require_edit(actor, goal.practice_id)
    cleaned = _required_text(text)
    user = actor.user if getattr(actor.user, "pk", None) else None
    with transaction.atomic():
        note = ProgressNote.objects.create(
            practice_id=goal.practice_id, goal=goal, text=cleaned, by_user=user, at=at
        )
        _log(
            actor=actor,
            plan=goal.plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=note,
            operation="create",
            changes=[{"field": "text", "old": "", "new": cleaned, "goal": str(goal.pk)}],
            at=at,
        )
    return note


# --- Actions ------------------------------------------------------------------------------


def add_action(*, actor: Actor, plan: CarePlan, values: dict[str, Any], at: datetime) -> PlanAction:
    """An action, linked where it comes from a referral or a screening of the same child."""
    _require_edit(actor, plan.practice_id)
    text = _required_text(values.get("text", ""))
    _ensure_same_child(plan, values)
    status = values.get("status") or ActionStatus.TO_DO
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        action = PlanAction.objects.create(
            practice_id=plan.practice_id,
            plan=plan,
            goal=values.get("goal"),
            text=text,
            owner_caregiver=values.get("owner_caregiver"),
            owner_member=values.get("owner_member"),
            due_on=values.get("due_on"),
            status=status,
            referral=values.get("referral"),
            screening=values.get("screening"),
            created_at=at,
            updated_at=at,
        )
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=action,
            operation="create",
            changes=_created(action, ACTION_FIELDS),
            at=at,
        )
    return action


def update_action(
    *,
    actor: Actor,
    action: PlanAction,
    version: int | None,
    values: dict[str, Any],
    at: datetime,
) -> PlanAction:
    _require_edit(actor, action.practice_id)
    if "text" in values:
        values = {**values, "text": _required_text(values["text"])}
    if "status" in values and values["status"] not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = (
            PlanAction.objects.select_for_update().select_related("plan__child").get(pk=action.pk)
        )
        _check_version(locked, version, _("action"))
        plan = locked.plan
        merged = {field: values.get(field, getattr(locked, field)) for field in ACTION_FIELDS}
        _ensure_same_child(plan, merged)
        changes = _apply(locked, values, ACTION_FIELDS)
        if not changes:
            return locked
        locked.version += 1
        locked.updated_at = at
        locked.save()
        _log(
            actor=actor,
            plan=plan,
            label=_staff_label(actor),
            side=Side.TEAM,
            obj=locked,
            operation="update",
            changes=changes,
            at=at,
        )
        return locked


# --- The family's link --------------------------------------------------------------------


def create_family_link(
    *,
    actor: Actor,
    plan: CarePlan,
    caregiver: Caregiver,
    at: datetime,
    days: int | None = None,
) -> tuple[FamilyPlanLink, str]:
    """A link the caregiver can come back to until it expires; the token is shown once."""
    _require_edit(actor, plan.practice_id)
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
    _require_edit(actor, link.practice_id)
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
    cleaned = _required_text(text)
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
        _log(
            actor=family.actor,
            plan=link.plan,
            label=family.label,
            side=Side.FAMILY,
            obj=goal,
            operation="create",
            changes=_created(goal, FAMILY_GOAL_FIELDS),
            at=at,
        )
    return goal


def family_update_own_goal(
    *,
    link: FamilyPlanLink,
    goal: Goal | PlanAction,
    version: int | None,
    values: dict[str, Any],
    at: datetime,
    request_id: str = "",
) -> Goal:
    """Only goals the family wrote or a caregiver owns; text, target date and status."""
    family = _family(link, request_id)
    own = _own_goal(link, goal)
    values = {field: values[field] for field in FAMILY_GOAL_FIELDS if field in values}
    if "text" in values:
        values["text"] = _required_text(values["text"])
    if "status" in values and values["status"] not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=own.pk)
        _own_goal(link, locked)
        _check_version(locked, version, _("goal"))
        changes = _apply(locked, values, FAMILY_GOAL_FIELDS)
        if not changes:
            return locked
        locked.version += 1
        locked.updated_at = at
        locked.save()
        _log(
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
    cleaned = _required_text(text)
    with transaction.atomic():
        note = ProgressNote.objects.create(
            practice_id=link.practice_id, goal=own, text=cleaned, by_caregiver=link.caregiver, at=at
        )
        _log(
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


def record_opened(*, actor: Actor, plan: CarePlan, at: datetime, printed: bool = False) -> None:
    """Who opened or printed the plan (no values)."""
    record(
        actor=actor,
        action=Action.PRINT if printed else Action.VIEW,
        object_type="careplan.careplan",
        object_id=plan.pk,
        at=at,
        practice=plan.practice,
    )
