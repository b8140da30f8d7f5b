"""Goals with owners, and progress notes on them."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.families.models import Caregiver
from medhome.practices.models import Membership

from ..models import (
    CarePlan,
    CareTeamMember,
    Goal,
    GoalStatus,
    MemberKind,
    ProgressNote,
    Side,
)
from .common import (
    GOAL_FIELDS,
    KEEP,
    Keep,
    apply_changes,
    check_version,
    created_changes,
    ensure_same_child,
    given,
    log_change,
    log_team_change,
    owner_is_family,
    require_edit,
    required_text,
    save_team_update,
    staff_label,
)


def add_goal(
    *,
    actor: Actor,
    plan: CarePlan,
    text: str,
    owner_caregiver: Caregiver | None = None,
    owner_member: CareTeamMember | None = None,
    target_on: date | None = None,
    status: str = "",
    at: datetime,
) -> Goal:
    values = {"owner_caregiver": owner_caregiver, "owner_member": owner_member}
    require_edit(actor, plan.practice_id)
    text = required_text(text)
    ensure_same_child(plan, values)
    status = status or GoalStatus.NOT_STARTED
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        goal = Goal.objects.create(
            practice_id=plan.practice_id,
            plan=plan,
            text=text,
            owner_caregiver=owner_caregiver,
            owner_member=owner_member,
            owner_is_family=owner_is_family(values),
            target_on=target_on,
            status=status,
            created_by_family=False,
            created_at=at,
            updated_at=at,
        )
        log_team_change(
            actor=actor,
            plan=plan,
            obj=goal,
            operation="create",
            changes=created_changes(goal, GOAL_FIELDS),
            at=at,
        )
    return goal


def update_goal(
    *,
    actor: Actor,
    goal: Goal,
    version: int | None,
    text: str | Keep = KEEP,
    owner_caregiver: Caregiver | None | Keep = KEEP,
    owner_member: CareTeamMember | None | Keep = KEEP,
    target_on: date | None | Keep = KEEP,
    status: str | Keep = KEEP,
    at: datetime,
) -> Goal:
    """Change the named fields; those left out stay as they are."""
    values = given(
        text=text,
        owner_caregiver=owner_caregiver,
        owner_member=owner_member,
        target_on=target_on,
        status=status,
    )
    require_edit(actor, goal.practice_id)
    if "text" in values:
        values = {**values, "text": required_text(values["text"])}
    if "status" in values and values["status"] not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().select_related("plan__child").get(pk=goal.pk)
        check_version(locked, version, _("goal"))
        plan = locked.plan
        owners = {
            "owner_caregiver": values.get("owner_caregiver", locked.owner_caregiver),
            "owner_member": values.get("owner_member", locked.owner_member),
        }
        ensure_same_child(plan, owners)
        changes = apply_changes(locked, values, GOAL_FIELDS)
        if not changes:
            return locked
        locked.owner_is_family = owner_is_family(owners)
        save_team_update(actor=actor, plan=plan, item=locked, changes=changes, at=at)
        return locked


@dataclass(frozen=True)
class NoteAuthor:
    """Who wrote a note another system sent (careplan.imported_plan), when it is not the actor:
    a staff member, a caregiver of the family or an outside member of the child's team here, or
    only the name that system gave (nobody here)."""

    user: Any = None
    caregiver: Caregiver | None = None
    outside_member: CareTeamMember | None = None
    name: str = ""


def _check_author(goal: Goal, author: NoteAuthor) -> None:
    plan = goal.plan
    ensure_same_child(
        plan, {"owner_caregiver": author.caregiver, "owner_member": author.outside_member}
    )
    errors: dict[str, str] = {}
    if author.outside_member is not None and author.outside_member.kind != MemberKind.EXTERNAL:
        errors["by_outside_member"] = _("Choose a member of this child's care team.")
    if (
        author.user is not None
        and not Membership.objects.filter(practice_id=plan.practice_id, user=author.user).exists()
    ):
        errors["by_user"] = _("Choose a staff member of this practice.")
    if errors:
        raise ValidationError(errors)


def add_progress_note(
    *,
    actor: Actor,
    goal: Goal,
    text: str,
    at: datetime,
    author: NoteAuthor | None = None,
    written_at: datetime | None = None,
) -> ProgressNote:
    """A note on the goal, by the actor, now (`at`). Another system's note (the import) keeps
    its own author and time (`author`, `written_at`); the plan's history still says the import
    added it, at `at`."""
    require_edit(actor, goal.practice_id)
    cleaned = required_text(text)
    if author is None:
        user = actor.user if getattr(actor.user, "pk", None) else None
        author = NoteAuthor(user=user)
    else:
        _check_author(goal, author)
    with transaction.atomic():
        note = ProgressNote.objects.create(
            practice_id=goal.practice_id,
            goal=goal,
            text=cleaned,
            by_user=author.user,
            by_caregiver=author.caregiver,
            by_outside_member=author.outside_member,
            by_name=author.name,
            at=written_at or at,
        )
        log_change(
            actor=actor,
            plan=goal.plan,
            label=staff_label(actor),
            side=Side.TEAM,
            obj=note,
            operation="create",
            changes=[{"field": "text", "old": "", "new": cleaned, "goal": str(goal.pk)}],
            at=at,
        )
    return note
