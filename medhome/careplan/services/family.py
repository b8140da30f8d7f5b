"""The family's side of the plan: the goals and notes a caregiver adds through a care-plan
family link (medhome.portal keeps the link: token, caregiver, expiry, revoke).

The family may add goals and notes and change its own goals, never the team's clinical items."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.portal.links import family_actor, page_language
from medhome.portal.models import FamilyLink, Purpose

from ..models import (
    CarePlan,
    Goal,
    GoalStatus,
    PlanAction,
    ProgressNote,
    Side,
)
from .common import (
    FAMILY_GOAL_FIELDS,
    KEEP,
    FamilyEditRefused,
    Keep,
    apply_changes,
    check_version,
    created_changes,
    given,
    log_change,
    required_text,
)


@dataclass(frozen=True)
class _FamilyContext:
    link: FamilyLink
    plan: CarePlan
    actor: Actor
    label: str


def _family(link: FamilyLink, request_id: str) -> _FamilyContext:
    """The plan a care-plan link opens (its child's one plan); any other link opens none."""
    if link.purpose != Purpose.CARE_PLAN:
        raise Http404
    plan = CarePlan.objects.filter(practice_id=link.practice_id, child_id=link.child_id).first()
    if plan is None:
        raise Http404
    return _FamilyContext(link, plan, family_actor(link, request_id), str(link.caregiver))


def _refused_message(link: FamilyLink, kind: str) -> str:
    with translation.override(page_language(chosen=None, link=link, browser=None)):
        if kind == "action":
            return _(
                "This step belongs to your care team, so only they can change it. You can "
                "tell them at your next visit or call the clinic."
            )
        return _(
            "This goal belongs to your care team, so only they can change it or add notes to "
            "it. You can tell them at your next visit or call the clinic."
        )


def _own_goal(family: _FamilyContext, item: Goal | PlanAction) -> Goal:
    link = family.link
    if isinstance(item, PlanAction):
        raise FamilyEditRefused(_refused_message(link, "action"))
    if item.practice_id != link.practice_id or item.plan_id != family.plan.pk:
        raise Http404
    if not item.family_may_edit:
        raise FamilyEditRefused(_refused_message(link, "goal"))
    return item


def family_add_goal(
    *,
    link: FamilyLink,
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
            plan_id=family.plan.pk,
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
            plan=family.plan,
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
    link: FamilyLink,
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
    own = _own_goal(family, goal)
    values = given(text=text, target_on=target_on, status=status)
    if "text" in values:
        values["text"] = required_text(values["text"])
    if "status" in values and values["status"] not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=own.pk)
        _own_goal(family, locked)
        check_version(locked, version, _("goal"))
        changes = apply_changes(locked, values, FAMILY_GOAL_FIELDS)
        if not changes:
            return locked
        locked.version += 1
        locked.updated_at = at
        locked.save()
        log_change(
            actor=family.actor,
            plan=family.plan,
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
    link: FamilyLink,
    goal: Goal | PlanAction,
    text: str,
    at: datetime,
    request_id: str = "",
) -> ProgressNote:
    family = _family(link, request_id)
    own = _own_goal(family, goal)
    cleaned = required_text(text)
    with transaction.atomic():
        note = ProgressNote.objects.create(
            practice_id=link.practice_id, goal=own, text=cleaned, by_caregiver=link.caregiver, at=at
        )
        log_change(
            actor=family.actor,
            plan=family.plan,
            label=family.label,
            side=Side.FAMILY,
            obj=note,
            operation="create",
            changes=[{"field": "text", "old": "", "new": cleaned, "goal": str(own.pk)}],
            at=at,
        )
    return note
