"""A staff member answers a family from its conversation page: their own words, by text.

The reply goes through the one sending pipeline (sending.send_now): the caregiver's consent to
texts and the practice's opt-outs are checked here first, so the writer is told at once why it
cannot go, and again when it is sent. Like every message it says who it is from ("{practice}: ")
and it keeps the family's hours (quiet hours, their windows): outside them it is held until a
good time, and the page says so. Audited with the writer as actor; the text itself stays in the
message row, not in the audit trail.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child

from .. import segments
from ..models import Message, MessageChannel, MessageKind, MessageStatus
from ..rules import setting
from .common import MESSAGE_OBJECT, latest_consents, opted_out_numbers
from .sending import send_now

# The most a reply may hold, in characters (the practice's name comes in front): three GSM-7
# segments, or seven UCS-2 ones once an accent or emoji is used. Longer belongs in a call.
MAX_REPLY = 400
# Who may write to a family: those who may send a family link (screening.send) and read the
# texts (messages.read): the clinical team, the community health worker, the front desk.
REPLY_CAPABILITIES = (Capability.MESSAGES_READ, Capability.SCREENING_SEND)


def may_reply(actor: Actor) -> bool:
    return all(actor.can(capability) for capability in REPLY_CAPABILITIES)


def why_not_textable(caregiver: Caregiver) -> str:
    """Why this caregiver cannot be texted now, in words for staff ("" when they can)."""
    if not caregiver.phone:
        return _("No mobile number is on file for this caregiver.")
    # STOP first: it also withdraws the consent, and it is the reason staff must hear.
    if opted_out_numbers(caregiver.practice, [str(caregiver.phone)]):
        return _(
            "This number replied STOP: nothing can be texted to it until it replies START. "
            "Call the family instead."
        )
    if not latest_consents([caregiver.pk]).get((caregiver.pk, MessageChannel.TEXT)):
        return _("This caregiver has not agreed to be texted: call them or record their consent.")
    return ""


@dataclass(frozen=True)
class ReplyOutcome:
    message: Message
    status: str
    segments: int


def send_staff_reply(
    *,
    actor: Actor,
    child: Child,
    caregiver_id: UUID | str,
    text: str,
    key: str,
    at: datetime,
) -> ReplyOutcome:
    """Send `text` to a caregiver of the child's family. `key` is the form's own (a second
    click on the same form sends nothing more). ValidationError says why it cannot go."""
    if not may_reply(actor) or child.practice_id != actor.practice_id:
        raise PermissionDenied(_("You cannot write to this family."))
    caregiver = Caregiver.objects.filter(
        pk=caregiver_id, family_id=child.family_id, practice_id=child.practice_id
    ).first()
    if caregiver is None:
        raise ValidationError(_("Choose a caregiver of this family."))
    words = " ".join((text or "").split())
    if not words:
        raise ValidationError(_("Write the reply first."))
    if len(words) > MAX_REPLY:
        raise ValidationError(
            _("The reply is %(n)s characters long; at most %(max)s can be sent. Call instead.")
            % {"n": len(words), "max": MAX_REPLY}
        )
    if reason := why_not_textable(caregiver):
        raise ValidationError(reason)
    body = f"{setting('practice_name') or child.practice.name}: {words}"
    counted = segments.count(body)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                practice=child.practice,
                caregiver=caregiver,
                child=child,
                kind=MessageKind.STAFF_REPLY,
                channel=MessageChannel.TEXT,
                to_address=str(caregiver.phone),
                language=caregiver.preferred_language or "en",
                body=body,
                encoding=counted.encoding,
                segments=counted.segments,
                idempotency_key=f"{MessageKind.STAFF_REPLY}:{key}"[:200],
                status=MessageStatus.PLANNED,
                send_after=at,
                created_at=at,
                updated_at=at,
            )
            record(
                actor=actor,
                action=Action.CREATE,
                object_type=MESSAGE_OBJECT,
                object_id=message.pk,
                at=at,
                practice=child.practice,
                detail={
                    "kind": MessageKind.STAFF_REPLY,
                    "channel": MessageChannel.TEXT,
                    "child": str(child.pk),
                },
            )
    except IntegrityError:
        message = Message.objects.get(
            practice=child.practice, idempotency_key=f"{MessageKind.STAFF_REPLY}:{key}"[:200]
        )
        return ReplyOutcome(message, message.status, message.segments)
    send_now(message, at=at)
    message.refresh_from_db(fields=["status", "error_code", "segments"])
    return ReplyOutcome(message, message.status, message.segments)
