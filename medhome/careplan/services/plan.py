"""The plan itself: created once per child, the family's priorities and strengths, who opened it."""

from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Child

from ..models import (
    CarePlan,
    Side,
)
from .common import (
    KEEP,
    PLAN_FIELDS,
    Keep,
    apply_changes,
    check_version,
    given,
    locked_plan,
    log_change,
    log_team_change,
    require_edit,
    staff_label,
)


def ensure_plan(*, actor: Actor, child: Child, at: datetime) -> CarePlan:
    """The child's plan, created (version 1) the first time it is needed."""
    require_edit(actor, child.practice_id)
    with transaction.atomic():
        existing = CarePlan.objects.filter(practice_id=child.practice_id, child=child).first()
        if existing is not None:
            return existing
        plan = CarePlan(
            practice_id=child.practice_id, child=child, version=1, created_at=at, updated_at=at
        )
        plan.save()
        log_change(
            actor=actor,
            plan=plan,
            label=staff_label(actor),
            side=Side.TEAM,
            obj=plan,
            operation="create",
            changes=[],
            at=at,
            bump=False,
        )
        return plan


def update_plan(
    *,
    actor: Actor,
    plan: CarePlan,
    version: int | None,
    family_priorities: str | Keep = KEEP,
    family_strengths: str | Keep = KEEP,
    review_on: date | None | Keep = KEEP,
    at: datetime,
) -> CarePlan:
    """The family's priorities and strengths (in their words) and the review date."""
    values = given(
        family_priorities=family_priorities, family_strengths=family_strengths, review_on=review_on
    )
    require_edit(actor, plan.practice_id)
    with transaction.atomic():
        locked = locked_plan(plan)
        check_version(locked, version, _("plan"))
        changes = apply_changes(locked, values, PLAN_FIELDS)
        if not changes:
            return locked
        locked.save(update_fields=[entry["field"] for entry in changes])
        log_team_change(
            actor=actor, plan=locked, obj=locked, operation="update", changes=changes, at=at
        )
        return locked


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
