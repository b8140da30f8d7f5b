"""The child's care team across settings: staff, caregivers and outside contacts."""

from datetime import datetime
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
    ExternalRole,
    MemberKind,
)
from .common import (
    KEEP,
    MEMBER_FIELDS,
    Keep,
    apply_changes,
    check_version,
    given,
    log_team_change,
    require_edit,
    save_team_update,
    shown,
)
from .plan import ensure_plan


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
        log_team_change(
            actor=actor,
            plan=plan,
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
    user: Any = None,
    caregiver: Caregiver | None = None,
    name: str | Keep = KEEP,
    organization: str | Keep = KEEP,
    external_role: str | Keep = KEEP,
    phone: str | Keep = KEEP,
    email: str | Keep = KEEP,
    role_label: str | Keep = KEEP,
    is_lead_coordinator: bool | Keep = KEEP,
    is_active: bool | Keep = KEEP,
    at: datetime,
) -> CareTeamMember:
    values = given(
        name=name,
        organization=organization,
        external_role=external_role,
        phone=phone,
        email=email,
        role_label=role_label,
        is_lead_coordinator=is_lead_coordinator,
        is_active=is_active,
    )
    require_edit(actor, plan.practice_id)
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
            {"field": field, "old": "", "new": shown(getattr(member, field))}
            for field in ("kind", "user", "caregiver", *MEMBER_FIELDS)
            if getattr(member, field) not in (None, "", False)
        ]
        log_team_change(
            actor=actor, plan=plan, obj=member, operation="create", changes=created, at=at
        )
    return member


def update_team_member(
    *,
    actor: Actor,
    member: CareTeamMember,
    version: int | None,
    name: str | Keep = KEEP,
    organization: str | Keep = KEEP,
    external_role: str | Keep = KEEP,
    phone: str | Keep = KEEP,
    email: str | Keep = KEEP,
    role_label: str | Keep = KEEP,
    is_lead_coordinator: bool | Keep = KEEP,
    is_active: bool | Keep = KEEP,
    at: datetime,
) -> CareTeamMember:
    values = given(
        name=name,
        organization=organization,
        external_role=external_role,
        phone=phone,
        email=email,
        role_label=role_label,
        is_lead_coordinator=is_lead_coordinator,
        is_active=is_active,
    )
    require_edit(actor, member.practice_id)
    with transaction.atomic():
        locked = CareTeamMember.objects.select_for_update().get(pk=member.pk)
        check_version(locked, version, _("team member"))
        plan = ensure_plan(actor=actor, child=locked.child, at=at)
        changes = apply_changes(locked, values, MEMBER_FIELDS)
        if not changes:
            return locked
        _validate_member(plan, locked)
        if locked.is_lead_coordinator:
            _hand_over_lead(actor=actor, plan=plan, keep=locked, at=at)
        save_team_update(actor=actor, plan=plan, item=locked, changes=changes, at=at)
        return locked
