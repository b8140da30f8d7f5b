"""The one move() of a referral: validate against the table, apply, record the event,
audit, and settle the follow-up tasks (architecture rule 5)."""

from datetime import datetime

from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.core.actor import Actor
from medhome.tasks.models import TaskKind
from medhome.tasks.services import cancel_tasks_for

from ..acting import (
    REFERRAL_OBJECT,
    TASK_SOURCE,
    acting_user,
    actor_label,
    audit,
    consent_of,
)
from ..models import (
    Referral,
    ReferralEvent,
)
from . import (
    TERMINAL,
    InvalidTransition,
    Side,
    Status,
    check_transition,
)


def move(
    actor: Actor,
    referral: Referral,
    to_status: str,
    *,
    side: str,
    at: datetime,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
    label: str | None = None,
    check: bool = True,
    family_answer: str = "",
    require_consent: bool = True,
) -> Referral:
    """Validate, apply, record the event, audit, and settle the follow-up tasks.
    `family_answer`: the family's answer that made the change (kept on the event).
    `require_consent` False: a path replayed from another system (referrals.imported_path),
    sent there while a consent it later revoked stood; the import checks the consent itself."""
    reason = reason.strip()
    from_status = referral.status
    if check:
        check_transition(from_status, to_status, side=side, reason=reason, outcome=outcome)
    if to_status == Status.REQUESTED and require_consent:
        consent = consent_of(referral)
        if (
            consent is None
            or not consent.is_active
            or consent.organization_id != referral.organization_id
        ):
            # medhome rule (§7): nothing leaves without the family's consent to share the named
            # items with the named organization.
            raise InvalidTransition(
                _("Record the family's consent to share with this organization before sending.")
            )
    fields = ["status", "status_reason", "version"]
    referral.status = to_status
    referral.status_reason = reason[:500]
    referral.version += 1
    first_response = False
    if to_status == Status.REQUESTED:
        referral.requested_at = at
        fields.append("requested_at")
    if (
        (side == Side.ORGANIZATION or to_status == Status.ACCEPTED)
        and to_status != Status.RECEIVED
        and referral.first_response_at is None
    ):
        referral.first_response_at = at
        first_response = True
        fields.append("first_response_at")
    if to_status in TERMINAL and referral.closed_at is None:
        referral.closed_at = at
        fields.append("closed_at")
    if to_status == Status.COMPLETED:
        referral.outcome = outcome
        referral.outcome_note = outcome_note.strip()
        fields += ["outcome", "outcome_note"]
    referral.save(update_fields=fields)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=acting_user(actor),
        actor_label=label or actor_label(actor, side, referral),
        side=side,
        reason=reason[:500],
        family_answer=family_answer,
        version=referral.version,
    )
    audit(
        actor,
        Action.UPDATE,
        REFERRAL_OBJECT,
        referral.pk,
        practice=referral.practice,
        at=at,
        fields=fields,
    )
    if to_status in TERMINAL:
        cancel_tasks_for(TASK_SOURCE, referral.pk, at=at, actor=task_actor(actor, referral))
    elif first_response:
        cancel_tasks_for(
            TASK_SOURCE,
            referral.pk,
            TaskKind.REFERRAL_NO_RESPONSE,
            at=at,
            actor=task_actor(actor, referral),
        )
    return referral


def task_actor(actor: Actor, referral: Referral) -> Actor:
    """The audit actor for the tasks a change settles, inside the referral's practice."""
    if actor.practice is not None:
        return actor
    return Actor(
        user=actor.user,
        practice=referral.practice,
        role=actor.role,
        organization=actor.organization,
        request_id=actor.request_id,
    )
