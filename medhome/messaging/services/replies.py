"""What comes back: delivery receipts and the family's texts.

A receipt moves a sent message to delivered, or to bounced (then the next channel); a text is
kept as received, matched to a caregiver only by an exact number (several caregivers sharing
the number, or none, leave it unmatched for staff: never a guess). STOP, STOPALL, UNSUBSCRIBE,
CANCEL, END and QUIT opt the number out of every message of the practice at once; START, YES
and UNSTOP opt it back in; HELP and INFO get the help text. Each is answered at once.

Words of crisis (crisis.py) are looked for first, before any keyword: such a text is never read
as STOP, START or HELP. In the transaction that keeps it, a clinician gets an urgent task and
the crisis resources text (988 / 911) is queued; it is then sent at once. "STOP, I want to die"
therefore does not opt the number out: a clinician calls, and a later plain STOP still does.
"""

import re
from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction

from medhome.accounts.roles import Role
from medhome.families.models import Caregiver, Child
from medhome.practices.models import Practice
from medhome.tasks.models import TaskKind, TaskPriority
from medhome.tasks.services import open_task

from .. import segments, texts
from ..crisis import has_crisis_words, language_of
from ..models import ConsentMethod, InboundText, Message, MessageChannel, MessageKind, MessageStatus
from ..rules import setting
from ..selectors import mask_number
from .common import system_actor
from .consents import opt_in, opt_out, record_consent
from .sending import _fall_back, send_now

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# Receipts' error codes that mean the number cannot take texts (Twilio's codes).
BOUNCE_CODES = frozenset({"30003", "30005", "30006", "21211", "21612", "21614"})
UNSUBSCRIBED = "21610"


def keyword_of(body: str) -> str:
    """ "stop" | "start" | "help" | "" — the whole text, one word, any case and punctuation."""
    word = re.sub(r"[^A-Za-z]", "", body or "").upper()
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    if word in HELP_WORDS:
        return "help"
    return ""


def record_receipt(*, gateway_message_id: str, status: str, error_code: str, at: datetime) -> bool:
    """Apply a delivery receipt; False when no message has that id (ignored)."""
    message = (
        Message.objects.select_related("practice", "caregiver", "child", "visit")
        .filter(gateway_message_id=gateway_message_id, channel=MessageChannel.TEXT)
        .first()
    )
    if message is None:
        return False
    if status == "delivered" and message.status == MessageStatus.SENT:
        Message.objects.filter(pk=message.pk, status=MessageStatus.SENT).update(
            status=MessageStatus.DELIVERED, delivered_at=at, updated_at=at
        )
    elif status in ("undelivered", "failed") and message.status in (
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
    ):
        code = (error_code or status)[:40]
        if code == UNSUBSCRIBED:
            opt_out(practice=message.practice, phone=message.to_address, at=at)
            _fall_back(message, "opted_out", at)
        elif code in BOUNCE_CODES:
            _fall_back(message, code, at, status=MessageStatus.BOUNCED)
        else:
            Message.objects.filter(pk=message.pk).update(
                status=MessageStatus.FAILED, error_code=code, updated_at=at
            )
    return True


def practice_for_inbound(practice_id: UUID) -> Practice | None:
    return Practice.objects.filter(pk=practice_id).first()


def _caregiver_for(practice: Practice, number: str) -> Caregiver | None:
    matches = list(Caregiver.objects.filter(practice=practice, phone=number)[:2])
    return matches[0] if len(matches) == 1 else None


def receive_text(
    *, practice: Practice, from_number: str, body: str, gateway_message_id: str, at: datetime
) -> InboundText:
    """Keep a family's text and act on a keyword. A repeated delivery (same id) is kept once."""
    caregiver = _caregiver_for(practice, from_number)
    # Crisis first: a text with words of crisis is not read for any other meaning.
    crisis = has_crisis_words(body)
    keyword = "" if crisis else keyword_of(body)
    resources: Message | None = None
    try:
        with transaction.atomic():
            inbound = InboundText.objects.create(
                practice=practice,
                from_number=from_number,
                caregiver=caregiver,
                body=body[:1600],
                gateway_message_id=gateway_message_id,
                keyword=keyword,
                crisis=crisis,
                received_at=at,
            )
            if crisis:
                _alert_clinicians(practice, caregiver, inbound, at)
                resources = _queue_answer(
                    practice=practice,
                    caregiver=caregiver,
                    number=from_number,
                    kind=MessageKind.CRISIS_REPLY,
                    variant="resources",
                    inbound=inbound,
                    at=at,
                    language=language_of(body),
                )
    except IntegrityError:
        return InboundText.objects.get(practice=practice, gateway_message_id=gateway_message_id)
    if crisis:
        # After the commit: the task and the queued text are kept even if the gateway is down
        # (the worker then sends it under the same key).
        if resources is not None:
            send_now(resources, at=at)
        return inbound
    if keyword == "stop":
        opt_out(practice=practice, phone=from_number, at=at)
        _consent_by_reply(caregiver, granted=False, at=at)
    elif keyword == "start":
        opt_in(practice=practice, phone=from_number, at=at)
        _consent_by_reply(caregiver, granted=True, at=at)
    if keyword:
        answer(
            practice=practice,
            caregiver=caregiver,
            number=from_number,
            keyword=keyword,
            inbound=inbound,
            at=at,
        )
    return inbound


def _consent_by_reply(caregiver: Caregiver | None, *, granted: bool, at: datetime) -> None:
    if caregiver is not None and str(caregiver.phone):
        record_consent(
            actor=system_actor(caregiver.practice),
            caregiver=caregiver,
            channel=MessageChannel.TEXT,
            granted=granted,
            method=ConsentMethod.REPLY,
            at=at,
        )


def _child_of(caregiver: Caregiver | None) -> Child | None:
    """The child whose conversation page the task opens (the family's texts are one list)."""
    if caregiver is None:
        return None
    return (
        Child.objects.filter(family_id=caregiver.family_id, practice_id=caregiver.practice_id)
        .order_by("-date_of_birth", "pk")
        .first()
    )


def _alert_clinicians(
    practice: Practice, caregiver: Caregiver | None, inbound: InboundText, at: datetime
) -> None:
    """The urgent task for a text with words of crisis: to the child's primary care clinician
    when there is one, else to the practice's pediatricians; due now. The task names the text
    by its reference, never its words; for a number no caregiver has, the number masked."""
    child = _child_of(caregiver)
    details = {"text": str(inbound.pk)[:8]}
    if caregiver is None:
        details["number"] = mask_number(inbound.from_number)
    open_task(
        practice=practice,
        child=child,
        kind=TaskKind.CRISIS_TEXT,
        due_at=at + timedelta(minutes=15),
        source_type="conversation" if child is not None else "unmatched_text",
        source_id=child.pk if child is not None else inbound.pk,
        dedupe_key=f"messaging:crisis:{inbound.pk}",
        at=at,
        details=details,
        priority=TaskPriority.URGENT,
        assignee=child.primary_clinician if child is not None else None,
        assignee_role=Role.PEDIATRICIAN,
    )


def answer(
    *,
    practice: Practice,
    caregiver: Caregiver | None,
    number: str,
    keyword: str,
    inbound: InboundText,
    at: datetime,
) -> Message | None:
    """The confirmation or help text, sent at once (outside the rules of "when")."""
    message = _queue_answer(
        practice=practice,
        caregiver=caregiver,
        number=number,
        kind=MessageKind.KEYWORD_REPLY,
        variant=keyword,
        inbound=inbound,
        at=at,
    )
    if message is not None:
        send_now(message, at=at)
    return message


def _queue_answer(
    *,
    practice: Practice,
    caregiver: Caregiver | None,
    number: str,
    kind: str,
    variant: str,
    inbound: InboundText,
    at: datetime,
    language: str = "en",
) -> Message | None:
    """The answer to one inbound text, planned once (its key is the text's id), in the
    caregiver's language; for a number no caregiver has, in `language`."""
    language = caregiver.preferred_language if caregiver is not None else language
    if not texts.has_text(kind, variant, language):
        language = "en"
    rendered = texts.render(
        kind, variant, language, {"practice": str(setting("practice_name") or practice.name)}
    )
    if rendered is None:
        return None
    counted = segments.count(rendered.body)
    message, _created = Message.objects.get_or_create(
        practice=practice,
        idempotency_key=f"{kind}:{inbound.pk}",
        defaults={
            "caregiver": caregiver,
            "kind": kind,
            "channel": MessageChannel.TEXT,
            "to_address": number,
            "language": language,
            "body": rendered.body,
            "encoding": counted.encoding,
            "segments": counted.segments,
            "status": MessageStatus.PLANNED,
            "send_after": at,
            "created_at": at,
            "updated_at": at,
        },
    )
    return message
