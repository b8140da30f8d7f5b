"""A referral's life after consent: sending, changes of state by either side, the warm
hand-off, and the reads that leave a trace."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.directory.models import PracticePartner
from medhome.practices.models import Practice

from ..acting import (
    REFERRAL_OBJECT,
    StaleReferral,
    acting_user,
    audit,
    locked,
    require_partner,
    require_staff,
    side_of,
)
from ..models import (
    Referral,
)
from ..states import (
    AWAITING_RESPONSE,
    InvalidTransition,
    Side,
    Status,
    allowed_targets,
    check_transition,
)
from ..states.moves import move


@transaction.atomic
def send(*, actor: Actor, referral: Referral, at: datetime) -> Referral:
    """Draft → requested; refused without the family's consent naming this organization."""
    require_staff(actor, referral.practice_id)
    referral = locked(referral)
    return move(actor, referral, Status.REQUESTED, side=Side.PRACTICE, at=at)


@transaction.atomic
def change_status(
    *,
    actor: Actor,
    referral: Referral,
    to_status: str,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
    expected_version: int | None = None,
    at: datetime,
) -> Referral:
    """Any change of state by either side, validated against states.py (§7 table)."""
    # Checked on the locked row: consent may have been revoked a moment ago.
    referral = locked(referral)
    side = side_of(actor, referral)
    if expected_version is not None and referral.version != expected_version:
        raise StaleReferral
    return move(
        actor,
        referral,
        to_status,
        side=side,
        at=at,
        reason=reason,
        outcome=outcome,
        outcome_note=outcome_note,
    )


@transaction.atomic
def partner_opened(*, actor: Actor, referral: Referral, at: datetime) -> Referral:
    """The organization's staff opened the referral: audited, and a sent referral becomes
    `received` (medhome rule, §7) — seen but not yet decided, still awaiting a response."""
    referral = locked(referral)
    require_partner(actor, referral)
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=REFERRAL_OBJECT,
        object_id=referral.pk,
        at=at,
        practice=referral.practice,
    )
    if referral.status == Status.REQUESTED:
        referral = move(actor, referral, Status.RECEIVED, side=Side.ORGANIZATION, at=at)
    return referral


mark_received = partner_opened  # the name the organization's views use


def _is_on_site_partner(practice: Practice, organization_id: Any) -> bool:
    return PracticePartner.objects.filter(
        practice=practice, organization_id=organization_id, on_site=True
    ).exists()


@transaction.atomic
def warm_handoff(*, actor: Actor, referral: Referral, at: datetime) -> Referral:
    """An on-site partner meets the family in the clinic and takes the referral the same day:
    practice staff record the acceptance on the organization's behalf (issue 4 §5). A draft
    with consent is sent first."""
    require_staff(actor, referral.practice_id)
    referral = locked(referral)
    if not _is_on_site_partner(referral.practice, referral.organization_id):
        raise ValidationError(
            _("A warm hand-off is for organizations your practice lists as on site.")
        )
    if referral.status == Status.DRAFT:
        referral = move(actor, referral, Status.REQUESTED, side=Side.PRACTICE, at=at)
    if referral.status not in AWAITING_RESPONSE:
        raise InvalidTransition(
            _("Only a referral waiting for the organization can be handed off.")
        )
    referral.warm_handoff = True
    referral.save(update_fields=["warm_handoff"])
    user = acting_user(actor)
    label = _("%(staff)s, warm hand-off to %(organization)s") % {
        "staff": user,
        "organization": referral.organization.name,
    }
    # The state is the organization's to set; here staff record it for the partner in the room,
    # so the table is checked for the move itself but not for the side.
    check_transition(referral.status, Status.ACCEPTED, side=Side.ORGANIZATION)
    referral = move(
        actor,
        referral,
        Status.ACCEPTED,
        side=Side.PRACTICE,
        at=at,
        label=label[:200],
        check=False,
    )
    audit(
        actor,
        Action.UPDATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=referral.practice,
        at=at,
        fields=["warm_handoff"],
    )
    return referral


def is_on_site(referral: Referral) -> bool:
    """Whether the practice lists the referral's organization as on site (warm hand-off)."""
    return _is_on_site_partner(referral.practice, referral.organization_id)


def _choices(referral: Referral, side: str, *, leave_out: set[str]) -> list[tuple[str, str]]:
    return [
        (state, str(Status(state).label))
        for state in allowed_targets(referral.status, side)
        if state not in leave_out
    ]


def practice_transitions(referral: Referral) -> list[tuple[str, str]]:
    """(state, label) the practice may choose now; sending goes through consent (send())."""
    return _choices(referral, Side.PRACTICE, leave_out={Status.REQUESTED})


def organization_transitions(referral: Referral) -> list[tuple[str, str]]:
    """(state, label) the organization may choose now; `received` is set on opening."""
    return _choices(referral, Side.ORGANIZATION, leave_out={Status.RECEIVED})


# --- reads that leave a trace ---------------------------------------------------------------


def record_opened(*, actor: Actor, referral: Referral, at: datetime) -> None:
    """Practice staff opened the referral (a PHI view, audited)."""
    require_staff(actor, referral.practice_id)
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=REFERRAL_OBJECT,
        object_id=referral.pk,
        at=at,
        practice=referral.practice,
    )


def record_printed(*, actor: Actor, referral: Referral, at: datetime) -> None:
    """The family's summary was printed or handed over (audited)."""
    require_staff(actor, referral.practice_id)
    record(
        actor=actor,
        action=Action.PRINT,
        object_type=REFERRAL_OBJECT,
        object_id=referral.pk,
        at=at,
        practice=referral.practice,
    )
