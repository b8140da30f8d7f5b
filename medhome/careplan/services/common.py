"""The steps every care-plan change shares: who may edit, stale-edit checks, and the plan's
history row and audit event written together.

Each service is one transaction: it checks the actor (PLAN_EDIT, same practice), checks the
version the editor saw (a stale edit is refused with a clear message), writes the change, bumps
the plan's version, writes one PlanChange (field names with old and new values: PHI, kept in
the practice's database) and one audit event (field names only, never values).
"""

from datetime import date, datetime
from enum import Enum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.ehr.bulk import IMPORT_ROLE
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from ..models import CarePlan, MemberKind, PlanChange, Side

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


class Keep(Enum):
    """The default of an update's field arguments: leave the field as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


def given(**fields: Any) -> dict[str, Any]:
    """The fields a caller passed; an update changes only those."""
    return {field: value for field, value in fields.items() if value is not KEEP}


class StaleEdit(ValidationError):
    """Someone else saved a change after the editor opened the page."""


class FamilyEditRefused(PermissionDenied):
    """The family tried to change one of the team's clinical items; the message is in the
    family's language."""


def require_edit(actor: Actor, practice_id: Any) -> None:
    if not actor.can(Capability.PLAN_EDIT):
        raise PermissionDenied
    if actor.practice_id is None or practice_id != actor.practice_id:
        # Another practice's row answers like a missing one.
        raise Http404


def check_version(obj: Any, version: int | None, what: str) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleEdit(
            _(
                "Someone else changed this %(what)s since you opened it. Reload the page to "
                "see their change, then make yours again."
            ),
            code="stale",
            params={"what": what},
        )


# Kept in the plan's history as written (like a staff member's name), so in English.
IMPORTED_LABEL = "Imported from another system"


def staff_label(actor: Actor) -> str:
    user = actor.user
    if user is not None and getattr(user, "pk", None):
        return user.get_full_name() or user.get_username()
    if actor.role == IMPORT_ROLE:
        return IMPORTED_LABEL
    return actor.role or "system"


def shown(value: Any) -> Any:
    """A value as kept in the history: JSON-friendly and readable."""
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def apply_changes(
    obj: models.Model, values: dict[str, Any], allowed: tuple[str, ...]
) -> list[dict]:
    changes = []
    for field in allowed:
        if field not in values:
            continue
        old, new = getattr(obj, field), values[field]
        if old != new:
            setattr(obj, field, new)
            changes.append({"field": field, "old": shown(old), "new": shown(new)})
    return changes


def locked_plan(plan: CarePlan) -> CarePlan:
    return CarePlan.objects.select_for_update().get(pk=plan.pk)


def log_change(
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
        locked = locked_plan(plan)
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


def log_team_change(
    *,
    actor: Actor,
    plan: CarePlan,
    obj: models.Model,
    operation: str,
    changes: list[dict],
    at: datetime,
) -> PlanChange:
    """A change the care team made (log_change with the staff member's name)."""
    return log_change(
        actor=actor,
        plan=plan,
        label=staff_label(actor),
        side=Side.TEAM,
        obj=obj,
        operation=operation,
        changes=changes,
        at=at,
    )


def save_team_update(
    *, actor: Actor, plan: CarePlan, item: Any, changes: list[dict], at: datetime
) -> None:
    """Save an item the team edited under its next version, and log the change."""
    item.version += 1
    item.updated_at = at
    item.save()
    log_team_change(actor=actor, plan=plan, obj=item, operation="update", changes=changes, at=at)


def ensure_same_child(plan: CarePlan, values: dict[str, Any]) -> None:
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


def owner_is_family(values: dict[str, Any]) -> bool:
    member = values.get("owner_member")
    return values.get("owner_caregiver") is not None or (
        member is not None and member.kind == MemberKind.CAREGIVER
    )


def required_text(text: str, field: str = "text") -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError({field: _("Write a few words.")})
    return cleaned


def created_changes(obj: models.Model, fields: tuple[str, ...]) -> list[dict]:
    return [
        {"field": field, "old": "", "new": shown(getattr(obj, field))}
        for field in fields
        if getattr(obj, field) not in (None, "")
    ]
