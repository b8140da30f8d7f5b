"""Actions, linked where they come from a referral or a screening of the same child."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.families.models import Caregiver
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from ..models import (
    ActionStatus,
    CarePlan,
    CareTeamMember,
    Goal,
    PlanAction,
)
from .common import (
    ACTION_FIELDS,
    KEEP,
    Keep,
    apply_changes,
    check_version,
    created_changes,
    ensure_same_child,
    given,
    log_team_change,
    require_edit,
    required_text,
    save_team_update,
)


def _comes_from_confidential(referral: Referral | None, screening: Administration | None) -> bool:
    """Confidentiality follows the chain (docs/clinical-rules.md#adolescent-confidentiality,
    security.md 11): an action linked to the adolescent's confidential screen, or to a referral
    that is theirs, is theirs too."""
    return bool(
        (referral is not None and referral.is_confidential)
        or (screening is not None and screening.confidential)
    )


def add_action(
    *,
    actor: Actor,
    plan: CarePlan,
    text: str,
    goal: Goal | None = None,
    owner_caregiver: Caregiver | None = None,
    owner_member: CareTeamMember | None = None,
    due_on: date | None = None,
    status: str = "",
    referral: Referral | None = None,
    screening: Administration | None = None,
    confidential: bool = False,
    at: datetime,
) -> PlanAction:
    """An action, linked where it comes from a referral or a screening of the same child.
    `confidential`: the adolescent's own by another system's word (careplan.imported); the
    chain makes it so all the same."""
    values = {
        "goal": goal,
        "owner_caregiver": owner_caregiver,
        "owner_member": owner_member,
        "referral": referral,
        "screening": screening,
    }
    require_edit(actor, plan.practice_id)
    text = required_text(text)
    ensure_same_child(plan, values)
    status = status or ActionStatus.TO_DO
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        action = PlanAction.objects.create(
            practice_id=plan.practice_id,
            plan=plan,
            goal=goal,
            text=text,
            owner_caregiver=owner_caregiver,
            owner_member=owner_member,
            due_on=due_on,
            status=status,
            referral=referral,
            screening=screening,
            confidential=confidential or _comes_from_confidential(referral, screening),
            created_at=at,
            updated_at=at,
        )
        log_team_change(
            actor=actor,
            plan=plan,
            obj=action,
            operation="create",
            changes=created_changes(action, ACTION_FIELDS),
            at=at,
        )
    return action


def update_action(
    *,
    actor: Actor,
    action: PlanAction,
    version: int | None,
    text: str | Keep = KEEP,
    goal: Goal | None | Keep = KEEP,
    owner_caregiver: Caregiver | None | Keep = KEEP,
    owner_member: CareTeamMember | None | Keep = KEEP,
    due_on: date | None | Keep = KEEP,
    status: str | Keep = KEEP,
    referral: Referral | None | Keep = KEEP,
    screening: Administration | None | Keep = KEEP,
    at: datetime,
) -> PlanAction:
    """Change the named fields; those left out stay as they are."""
    values = given(
        text=text,
        goal=goal,
        owner_caregiver=owner_caregiver,
        owner_member=owner_member,
        due_on=due_on,
        status=status,
        referral=referral,
        screening=screening,
    )
    require_edit(actor, action.practice_id)
    if "text" in values:
        values = {**values, "text": required_text(values["text"])}
    if "status" in values and values["status"] not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        locked = (
            PlanAction.objects.select_for_update().select_related("plan__child").get(pk=action.pk)
        )
        check_version(locked, version, _("action"))
        plan = locked.plan
        merged = {field: values.get(field, getattr(locked, field)) for field in ACTION_FIELDS}
        ensure_same_child(plan, merged)
        changes = apply_changes(locked, values, ACTION_FIELDS)
        if not changes:
            return locked
        # Linking later marks the action too; unlinking never unmarks it (what was the
        # adolescent's stays theirs).
        if _comes_from_confidential(locked.referral, locked.screening):
            locked.confidential = True
        save_team_update(actor=actor, plan=plan, item=locked, changes=changes, at=at)
        return locked
