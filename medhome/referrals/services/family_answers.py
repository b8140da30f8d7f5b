"""The family's answers to "Did you get help from …?" on its referral-status page: the family
closes its own loop (medhome rule, docs/clinical-rules.md#referral-follow-up).

Every answer is a ReferralEvent (the referral's history on the staff's page). "Yes, we got
help" completes the referral (need met) where the table allows completion; "We do not need it
any more" cancels it; the others, and "got help" before the organization has accepted, leave the
state as it is and give the care coordinator a task with the family's answer. What the family
may answer about is the referrals app's one rule (family_visible_referrals), for the caregiver
the link was made for.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.practices.calendar import add_business_days, calendar_of
from medhome.tasks.models import TaskKind
from medhome.tasks.services import cancel_tasks_for, open_task

from ..acting import REFERRAL_OBJECT, TASK_SOURCE, locked
from ..models import FamilyAnswer, Referral, ReferralEvent
from ..selectors import family_visible_referrals
from ..states import TERMINAL, Outcome, Side, Status
from ..states.moves import move

# Kept in the record as data (both sides read it), so not translated at write time.
NO_LONGER_NEEDED = "The family no longer needs it"
# Where the table allows completion (docs/clinical-rules.md#referral-states).
COMPLETABLE = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD})
EVENT_OBJECT = "referral_event"


class NotOnThisLink(Exception):
    """The referral is not one this caregiver's link shows (another's, a safety referral, the
    adolescent's own, a draft, or no such referral): the page answers 404."""


@dataclass(frozen=True)
class Answered:
    referral: Referral
    # False when the same answer was already recorded and nothing has changed since.
    recorded: bool


def _repeat(referral: Referral, answer: str) -> bool:
    last = (
        ReferralEvent.objects.filter(referral=referral)
        .exclude(family_answer="")
        .order_by("-version", "-at")
        .first()
    )
    return bool(last and last.family_answer == answer and last.version == referral.version)


@transaction.atomic
def record_family_answer(
    *,
    actor: Actor,
    child: Child,
    caregiver: Caregiver,
    referral_id: UUID | str,
    answer: str,
    at: datetime,
) -> Answered:
    """Record one answer of the caregiver the link was made for. Raises NotOnThisLink for a
    referral the link does not show, ValidationError (in the active language) for an unknown
    answer or a referral already closed. Idempotent: the same answer again, with nothing
    changed since, records nothing."""
    try:
        referral = family_visible_referrals(child=child, caregiver=caregiver).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, ValidationError) as missing:
        raise NotOnThisLink from missing
    if answer not in FamilyAnswer.values:
        raise ValidationError(_("Choose one of the answers."), code="unknown_answer")
    referral = locked(referral)
    if _repeat(referral, answer):
        return Answered(referral, recorded=False)
    if referral.status in TERMINAL:
        raise ValidationError(
            _("This referral is already closed. Call your child's clinic if you need help."),
            code="closed",
        )
    label = str(caregiver)[:200]
    if answer == FamilyAnswer.NOT_NEEDED:
        referral = move(
            actor,
            referral,
            Status.CANCELLED,
            side=Side.FAMILY,
            at=at,
            reason=NO_LONGER_NEEDED,
            label=label,
            family_answer=answer,
        )
        return Answered(referral, recorded=True)
    if answer == FamilyAnswer.GOT_HELP and referral.status in COMPLETABLE:
        referral = move(
            actor,
            referral,
            Status.COMPLETED,
            side=Side.FAMILY,
            at=at,
            outcome=Outcome.NEED_MET,
            label=label,
            family_answer=answer,
        )
        return Answered(referral, recorded=True)
    event = ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=referral.status,
        at=at,
        actor=None,
        actor_label=label,
        side=Side.FAMILY,
        family_answer=answer,
        version=referral.version,
    )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=EVENT_OBJECT,
        object_id=event.pk,
        at=at,
        practice=referral.practice,
        detail={"referral": str(referral.pk), "fields": ["family_answer"]},
    )
    _coordinator_task(referral, answer=answer, event=event, at=at, actor=actor)
    return Answered(referral, recorded=True)


def _coordinator_task(
    referral: Referral, *, answer: str, event: ReferralEvent, at: datetime, actor: Actor
) -> None:
    """One open task per referral with the family's latest answer: an earlier answer's task is
    replaced, so the coordinator reads where the family is now."""
    cancel_tasks_for(TASK_SOURCE, referral.pk, TaskKind.REFERRAL_FAMILY_ANSWER, at=at, actor=actor)
    details: dict[str, Any] = {"organization": referral.organization.name, "answer": answer}
    open_task(
        practice=referral.practice,
        child=referral.child,
        kind=TaskKind.REFERRAL_FAMILY_ANSWER,
        details=details,
        due_at=add_business_days(at, 1, calendar=calendar_of(referral.practice)),
        source_type=TASK_SOURCE,
        source_id=referral.pk,
        dedupe_key=f"{REFERRAL_OBJECT}:{referral.pk}:{TaskKind.REFERRAL_FAMILY_ANSWER}:{event.pk}",
        at=at,
    )
