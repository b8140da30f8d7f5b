"""Attribution: the spans a child is on the practice's panel and the primary care clinician
(docs/clinical-rules.md#attribution). Every write to a panel membership is here.

One truth: the open membership carries the primary care clinician; `Child.primary_clinician` is
a copy kept in step by the functions below (and by services.update_child, which calls
`keep_clinician_in_step`), read by the lists and strata that group by clinician. A child off
the panel keeps the clinician of its last membership on the child row, for the record.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.practices.selectors import clinicians_of

from .models import Child, PanelEndReason, PanelMembership

MEMBERSHIP_OBJECT = "panel_membership"
NOT_A_CLINICIAN_HERE = gettext_lazy(
    "The primary care clinician must be a pediatrician or nurse practitioner here."
)


def _require(actor: Actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionError(capability)


def open_membership(*, child: Child, starts_on: date, at: datetime) -> PanelMembership:
    """The child's new open membership with the child's primary clinician; the caller has
    checked the capability, validated the child and audits the change it is part of."""
    return PanelMembership.objects.create(
        practice_id=child.practice_id,
        child=child,
        starts_on=starts_on,
        primary_clinician_id=child.primary_clinician_id,
        created_at=at,
    )


def open_membership_of(child: Child) -> PanelMembership | None:
    return PanelMembership.objects.filter(child=child, ends_on__isnull=True).first()


def keep_clinician_in_step(child: Child) -> None:
    """After the child's primary clinician changed: the open membership says the same."""
    PanelMembership.objects.filter(child=child, ends_on__isnull=True).update(
        primary_clinician_id=child.primary_clinician_id
    )


def _locked_child(actor: Actor, child: Child) -> Child:
    return Child.objects.select_for_update().get(pk=child.pk, practice=actor.practice)


def _audit(actor: Actor, membership: PanelMembership, at: datetime, **detail: object) -> None:
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=MEMBERSHIP_OBJECT,
        object_id=membership.pk,
        at=at,
        detail={"child": str(membership.child_id), **detail},
    )


def end_membership_errors(
    membership: PanelMembership | None, ends_on: date | None, reason: str, *, today: date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if membership is None:
        errors["__all__"] = [_("The child is not on the panel: there is nothing to end.")]
        return errors
    if ends_on is None:
        errors["ends_on"] = [_("Give the day the child left the panel.")]
    elif ends_on < membership.starts_on:
        errors["ends_on"] = [
            _("The child cannot leave the panel before joining it (on %(date)s).")
            % {"date": membership.starts_on.strftime("%m/%d/%Y")}
        ]
    elif ends_on > today:
        errors["ends_on"] = [_("The day the child left the panel cannot be in the future.")]
    if reason not in PanelEndReason.values:
        errors["end_reason"] = [_("Say why the child left the panel.")]
    return errors


@transaction.atomic
def end_membership(
    *, actor: Actor, child: Child, ends_on: date | None, reason: str, at: datetime
) -> PanelMembership:
    """The child leaves the panel on `ends_on` (not counted from that day on): transferred,
    aged out, deceased, moved or other. ValidationError, nothing written, when refused."""
    _require(actor, Capability.ATTRIBUTION_MANAGE)
    child = _locked_child(actor, child)
    membership = open_membership_of(child)
    errors = end_membership_errors(membership, ends_on, reason, today=clock.local_date(at))
    if errors:
        raise ValidationError(errors)
    assert membership is not None and ends_on is not None
    membership.ends_on, membership.end_reason = ends_on, reason
    membership.save(update_fields=["ends_on", "end_reason"])
    _audit(actor, membership, at, fields=["ends_on", "end_reason"], reason=reason)
    return membership


@transaction.atomic
def reopen_membership(
    *, actor: Actor, child: Child, starts_on: date | None, at: datetime
) -> PanelMembership:
    """The child comes back to the panel from `starts_on`: a new span, with the clinician the
    child row names (the last one), kept if still a clinician here."""
    _require(actor, Capability.ATTRIBUTION_MANAGE)
    child = _locked_child(actor, child)
    today = clock.local_date(at)
    last = PanelMembership.objects.filter(child=child).order_by("-starts_on").first()
    errors: dict[str, list[str]] = {}
    if last is not None and last.ends_on is None:
        errors["__all__"] = [_("The child is already on the panel.")]
    elif starts_on is None:
        errors["starts_on"] = [_("Give the day the child rejoins the panel.")]
    elif starts_on > today:
        errors["starts_on"] = [_("The day the child rejoins the panel cannot be in the future.")]
    elif starts_on < child.date_of_birth:
        errors["starts_on"] = [_("The child cannot join the panel before birth.")]
    elif last is not None and last.ends_on is not None and starts_on < last.ends_on:
        errors["starts_on"] = [
            _("The child left the panel on %(date)s: rejoin on that day or later.")
            % {"date": last.ends_on.strftime("%m/%d/%Y")}
        ]
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None
    clinician_id = child.primary_clinician_id
    if clinician_id and not clinicians_of(child.practice).filter(user_id=clinician_id).exists():
        child.primary_clinician_id = None
        child.version += 1
        child.updated_at = at
        child.save(update_fields=["primary_clinician", "version", "updated_at"])
    membership = open_membership(child=child, starts_on=starts_on, at=at)
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=MEMBERSHIP_OBJECT,
        object_id=membership.pk,
        at=at,
        detail={"child": str(child.pk), "fields": ["starts_on", "primary_clinician"]},
    )
    return membership


@transaction.atomic
def change_primary_clinician(
    *, actor: Actor, child: Child, clinician_id: int | None, at: datetime
) -> PanelMembership:
    """The open membership's primary care clinician (a pediatrician or nurse practitioner of
    this practice, or none), and the child row's copy with it."""
    _require(actor, Capability.ATTRIBUTION_MANAGE)
    child = _locked_child(actor, child)
    membership = open_membership_of(child)
    if membership is None:
        raise ValidationError(
            {"__all__": [_("The child is not on the panel: rejoin the panel first.")]}
        )
    if clinician_id is not None and not (
        clinicians_of(child.practice).filter(user_id=clinician_id).exists()
    ):
        raise ValidationError({"primary_clinician": [NOT_A_CLINICIAN_HERE]})
    if membership.primary_clinician_id == clinician_id == child.primary_clinician_id:
        return membership
    membership.primary_clinician_id = clinician_id
    membership.save(update_fields=["primary_clinician"])
    child.primary_clinician_id = clinician_id
    child.version += 1
    child.updated_at = at
    child.save(update_fields=["primary_clinician", "version", "updated_at"])
    _audit(actor, membership, at, fields=["primary_clinician"])
    return membership
