"""The phone-call list: staff record how a call about a reminder went.

A reminder planned for a family who prefers a call is kept as a Message with the channel
"phone", not sent (error "no_channel"). Staff phone the family and record the outcome on that
same row: it becomes CALLED with the outcome, who called and when. Recording twice changes
nothing (the first outcome stands). A wrong number gives the coordinator the task "no working
way to reach this family" (outreach.open_work, one per caregiver and day).
"""

from datetime import datetime

from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.vocabulary import Channel
from medhome.tasks.models import TaskKind

from ..models import CallOutcome, Message, MessageKind, MessageStatus
from .common import MESSAGE_OBJECT
from .outreach import open_work

NOT_SENT = "no_channel"


def record_call(*, actor: Actor, message: Message, outcome: str, at: datetime) -> bool:
    """Record the outcome of the call about `message`. False when it was already recorded (or
    the message is not a reminder waiting for a call): nothing changes then."""
    if outcome not in CallOutcome.values:
        raise ValueError(outcome)
    with transaction.atomic():
        changed = Message.objects.filter(
            pk=message.pk,
            practice=actor.practice,
            kind=MessageKind.VISIT_REMINDER,
            channel=Channel.PHONE,
            status=MessageStatus.SUPPRESSED,
            error_code=NOT_SENT,
        ).update(
            status=MessageStatus.CALLED,
            call_outcome=outcome,
            called_by=actor.user,
            called_at=at,
            updated_at=at,
        )
        if not changed:
            return False
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=MESSAGE_OBJECT,
            object_id=message.pk,
            detail={"status": MessageStatus.CALLED, "call_outcome": outcome},
            at=at,
            practice=actor.practice,
        )
        if outcome == CallOutcome.WRONG_NUMBER and message.caregiver is not None:
            open_work(
                practice=actor.practice,
                kind=TaskKind.FAMILY_UNREACHABLE,
                caregiver=message.caregiver,
                child=message.child,
                at=at,
            )
    return True
