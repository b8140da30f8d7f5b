"""Sending: claim what is due, check it may still go, send it once, retry or fall back.

A message is claimed before it is sent (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, then a
status update; SQLite: one conditional UPDATE per message), and its idempotency key goes to the
gateway. A sender killed between the claim and the gateway's answer leaves it SENDING; once the
claim has lapsed (MEDHOME_MESSAGING["claim_seconds"]) the next run takes it over and sends it
again under the same key, which the gateway answers with the message id it already gave: no
message is lost and none goes twice. Failures retry with backoff; past max_attempts the message
ends FAILED. A number that bounces or has opted out, or a consent withdrawn, moves the message
to the caregiver's next channel; when none is left the coordinator gets a task.
"""

import hashlib
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.copy import update_rows
from medhome.portal.links import issue_link
from medhome.portal.models import Purpose
from medhome.practices.calendar import Calendar
from medhome.screening import due as screening_due
from medhome.screening.services import create_link
from medhome.tasks.models import TaskKind

from .. import segments, texts
from ..gateways import GatewayError, OutgoingText, get_sms_gateway
from ..models import ANSWERS, WAITING, Message, MessageChannel, MessageKind, MessageStatus
from ..rules import (
    QuietHours,
    next_allowed,
    retry_delay,
    setting,
    start_of_next_day,
)
from . import batch, wanted
from .common import (
    MESSAGE_OBJECT,
    inbound_url,
    latest_consents,
    link_actor,
    masked,
    opted_out_numbers,
    reach,
    status_callback_url,
    system_actor,
)
from .consents import opt_out
from .outreach import link_placeholder, link_url, open_work, practice_name
from .planning import reminder_values

log = logging.getLogger(__name__)
# Sent messages recorded (status and audit) together: small, because a sender killed before
# recording sends them again (the local gateway answers a repeated key with its first id;
# Twilio keeps no key, docs/architecture.md "Reaching families").
RECORD_EVERY = 20
SENT_FIELDS = [
    "status",
    "gateway_message_id",
    "sent_at",
    "claimed_at",
    "error_code",
    "body",
    "encoding",
    "segments",
    "attempts",
    "updated_at",
]
# Kinds whose link is the pre-visit questions, made only when a screen is due at sending.
SCREENING_LINK_KINDS = (MessageKind.VISIT_REMINDER, MessageKind.RECALL)


def _claimable(at: datetime) -> Q:
    lapsed = at - timedelta(seconds=int(setting("claim_seconds")))
    return Q(status__in=WAITING, send_after__lte=at) | Q(
        status=MessageStatus.SENDING, claimed_at__lt=lapsed
    )


def claim(*, limit: int, at: datetime) -> list[UUID]:
    """Take up to `limit` due messages for this sender; another sender gets others."""
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(_claimable(at))
                .order_by("send_after", "pk")
                .values_list("pk", flat=True)[:limit]
            )
            Message.objects.filter(pk__in=ids).update(
                status=MessageStatus.SENDING, claimed_at=at, updated_at=at
            )
        return ids
    candidates = list(
        Message.objects.filter(_claimable(at))
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    # One atomic UPDATE per message, conditional on it still being claimable: of two senders
    # that saw the same candidate, exactly one updates a row.
    return [
        pk
        for pk in candidates
        if Message.objects.filter(_claimable(at), pk=pk).update(
            status=MessageStatus.SENDING, claimed_at=at, updated_at=at
        )
    ]


def send_due_messages(*, limit: int = 100, at: datetime) -> int:
    """Claim and send up to `limit` due messages; the number sent. Idempotent, safe to run in
    several workers at once and to kill at any moment."""
    return _send_batch(claim(limit=limit, at=at), at)


def send_now(message: Message, *, at: datetime) -> bool:
    """Send one message at once (an answer to a keyword or to words of crisis, a staff reply)
    if no sender has it yet."""
    claimed = Message.objects.filter(_claimable(at), pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=at, updated_at=at
    )
    return bool(claimed) and bool(_send_batch([message.pk], at))


def deliver(pk: UUID, *, at: datetime) -> int:
    """Send one claimed message; 1 when it went."""
    return _send_batch([pk], at)


@dataclass
class _Sent:
    message: Message
    gateway_id: str
    body: str
    counted: segments.SegmentCount


def _send_batch(ids: list[UUID], at: datetime) -> int:
    """Send the claimed messages: their facts read once (batch.know), each checked and sent in
    turn, and the sent ones recorded RECORD_EVERY at a time — their status and their audit
    events in one transaction. A sender killed before a group is recorded leaves those
    messages SENDING; once the claim lapses they go again under the same key, and the gateway
    answers with the id it already gave (nothing lost, nothing twice to the family)."""
    messages = list(
        Message.objects.select_related("practice", "caregiver", "child", "visit")
        .filter(pk__in=ids, status=MessageStatus.SENDING)
        .order_by("send_after", "pk")
    )
    known = batch.know(messages, at)
    sent: list[_Sent] = []
    total = 0
    with screening_due.remembering():
        for message in messages:
            try:
                outcome = _deliver(message, at, known)
            except Exception:  # one bad message must not stop the batch; its claim lapses
                log.exception("messaging: sending a message failed")
                continue
            if outcome is not None:
                sent.append(outcome)
            if len(sent) >= RECORD_EVERY:
                total += _record_sent(sent, at)
                sent = []
    return total + _record_sent(sent, at)


def _save(message: Message, at: datetime, **changes: object) -> None:
    changes["updated_at"] = at
    Message.objects.filter(pk=message.pk).update(**changes)
    for name, value in changes.items():
        setattr(message, name, value)


def _hold(message: Message, until: datetime, at: datetime) -> int:
    _save(message, at, status=MessageStatus.HELD, send_after=until, claimed_at=None)
    return 0


def _when_allowed(message: Message, at: datetime, known: batch.Known) -> datetime:
    """`at`, or the next moment the rules of "when" allow for this caregiver's family."""
    quiet = QuietHours.from_settings()
    calendar = known.calendar(message)
    windows = known.windows.get(message.caregiver_id, [])
    moment = next_allowed(at, windows=windows, calendar=calendar, quiet=quiet)
    if known.sent_that_day(message, moment) >= int(setting("daily_cap_per_family")):
        moment = next_allowed(
            start_of_next_day(moment, calendar), windows=windows, calendar=calendar, quiet=quiet
        )
    return moment


def _may_use_channel(message: Message, known: batch.Known) -> str:
    """Why this channel may not carry the message now ("" when it may)."""
    if message.kind in ANSWERS:
        # The answer to a text they just sent: STOP's confirmation, and the crisis resources.
        # A number that replied STOP earlier still gets the 988/911 text when it now writes
        # words of crisis: the family wrote to us first, it is one answer and no marketing,
        # and leaving someone in crisis without those numbers is the greater harm (as the
        # domain reference gives them to anyone whose form answer is critical).
        return ""
    if not known.consents.get((message.caregiver_id, message.channel)):
        return "no_consent"
    if (
        message.channel == MessageChannel.TEXT
        and (message.practice_id, message.to_address) in known.opted_out
    ):
        return "opted_out"
    return ""


def _pre_visit_link(message: Message, at: datetime, calendar: Calendar) -> tuple[str, str]:
    """(URL, token) of a pre-visit link when a screen is still due, else ("", "").

    screening decides, with its own checks, what the link carries: its preferred caregiver
    screeners that are due and have wording for families. The link is bound to the caregiver
    and in their language (portal.links through screening.create_link)."""
    if not message.link_rows or message.child is None:
        return "", ""
    # Today, the day create_link checks each screener on: a screener not due yet today would
    # make it refuse the whole link.
    day = at.astimezone(calendar.zone).date()
    choices = [
        c.value
        for c in screening_due.choices_for(message.child, day)
        if c.preselected and c.due and c.family_ok and c.respondent == "caregiver"
    ]
    if not choices:
        return "", ""
    try:
        _link, token = create_link(
            actor=system_actor(message.practice),
            child=message.child,
            instrument_keys=choices,
            caregiver=message.caregiver,
            language=message.language,
            channel=message.channel,
            at=at,
        )
    except ValidationError:
        return "", ""
    return link_url(Purpose.SCREENING, token), token


def _family_link(message: Message, at: datetime) -> tuple[str, str]:
    """(text with the real link, token) for a message whose link is not a screening one: the
    link is issued now (portal.links), for the caregiver, in their language."""
    purpose = message.link_purpose
    assert message.child is not None and message.caregiver is not None
    _link, token = issue_link(
        actor=link_actor(message.practice, purpose),
        purpose=purpose,
        child=message.child,
        caregiver=message.caregiver,
        language=message.language,
        channel=message.channel,
        at=at,
        detail={"message": str(message.pk)},
    )
    return message.body.replace(link_placeholder(purpose), link_url(purpose, token)), token


def _compose(message: Message, at: datetime, calendar: Calendar) -> tuple[str, str]:
    """(text to send, token to mask when stored)."""
    if message.kind in SCREENING_LINK_KINDS:
        # The pre-visit questions go only if a screen is still due when the message leaves.
        url, token = _pre_visit_link(message, at, calendar)
        values = {"practice": practice_name(message.practice), "link": url}
        if message.visit is not None:
            values.update(reminder_values(message.visit.starts_at, message.language))
        rendered = texts.render(
            message.kind, "with_link" if url else "plain", message.language, values
        )
        return (rendered.body if rendered else message.body), token
    if message.link_purpose and message.child is not None and message.caregiver is not None:
        return _family_link(message, at)
    return message.body, ""


def _deliver(message: Message, at: datetime, known: batch.Known) -> _Sent | None:
    """Check one claimed message and send it; what was sent, or None (held, not sent, moved
    to the next channel, to retry)."""
    if reason := wanted.why_not(message, at, on_panel=known.on_panel):
        _save(message, at, status=MessageStatus.SUPPRESSED, error_code=reason, claimed_at=None)
        return None
    if reason := _may_use_channel(message, known):
        _fall_back(message, reason, at)
        return None
    if message.kind not in ANSWERS:
        moment = _when_allowed(message, at, known)
        if moment > at:
            _hold(message, moment, at)
            return None
    body, token = _compose(message, at, known.calendar(message))
    # Recorded with the outcome: a sender killed before it sends the message again under the
    # same key, which is not a second attempt.
    message.attempts += 1
    try:
        gateway_id = _transmit(message, body)
    except GatewayError as refused:
        _refused(message, refused, at)
        return None
    if message.kind not in ANSWERS:
        known.count_sent(message, at)
    return _Sent(message, gateway_id, masked(body, token), segments.count(body))


def _record_sent(sent: list[_Sent], at: datetime) -> int:
    """The sent messages' status and audit events, in one transaction."""
    if not sent:
        return 0
    for each in sent:
        m = each.message
        m.status, m.gateway_message_id, m.sent_at = MessageStatus.SENT, each.gateway_id, at
        m.claimed_at, m.error_code, m.body, m.updated_at = None, "", each.body, at
        m.encoding, m.segments = each.counted.encoding, each.counted.segments
    by_practice: dict[object, list[Message]] = defaultdict(list)
    for each in sent:
        by_practice[each.message.practice_id].append(each.message)
    with transaction.atomic():
        update_rows(Message, [each.message for each in sent], SENT_FIELDS)
        # Each practice's audit chain head is locked until this transaction ends: always in
        # the practices' id order, or two senders recording messages of the same two practices
        # deadlock, and the loser's sent messages go again once their claim lapses (the
        # several-senders drill, bench/messaging_send.py --senders, found it).
        for _practice_id, rows in sorted(by_practice.items(), key=lambda item: str(item[0])):
            practice = rows[0].practice
            record_many(
                actor=system_actor(practice),
                entries=[
                    Entry(
                        action=Action.UPDATE,
                        object_type=MESSAGE_OBJECT,
                        object_id=m.pk,
                        detail={
                            "fields": ["status"],
                            "status": MessageStatus.SENT,
                            "channel": m.channel,
                        },
                    )
                    for m in rows
                ],
                at=at,
                practice=practice,
            )
    return len(sent)


def _transmit(message: Message, body: str) -> str:
    if message.channel == MessageChannel.TEXT:
        return get_sms_gateway().send(
            OutgoingText(
                to=message.to_address,
                body=body,
                key=f"{message.practice_id}:{message.idempotency_key}",
                status_callback=status_callback_url(),
                inbound_url=inbound_url(message.practice_id),
            )
        )
    return _email(message, body)


def _email(message: Message, body: str) -> str:
    rendered = texts.SUBJECTS.get(message.kind, {})
    subject = rendered.get(texts.base_language(message.language)) or rendered.get("en", "")
    # The Message-ID is derived from the key: a retry carries the same one, so a receiving
    # system that keeps Message-IDs sees a repeat as a repeat.
    digest = hashlib.sha256(f"{message.practice_id}:{message.idempotency_key}".encode())
    message_id = f"<{digest.hexdigest()[:40]}@medhome>"
    email = EmailMessage(
        subject=subject,
        body=texts.for_email(body, message.language),
        to=[message.to_address],
        headers={"Message-ID": message_id},
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused:
        raise GatewayError("recipient_refused", permanent=True) from None
    except (smtplib.SMTPException, OSError):
        raise GatewayError("smtp_unavailable") from None
    return message_id


def _refused(message: Message, refused: GatewayError, at: datetime) -> int:
    if refused.opted_out:
        opt_out(practice=message.practice, phone=message.to_address, at=at)
        return _fall_back(message, "opted_out", at)
    if refused.permanent:
        return _fall_back(message, refused.code, at, status=MessageStatus.BOUNCED)
    if message.attempts >= int(setting("max_attempts")):
        _save(
            message,
            at,
            status=MessageStatus.FAILED,
            error_code=refused.code,
            claimed_at=None,
            attempts=message.attempts,
        )
        return 0
    _save(
        message,
        at,
        attempts=message.attempts,
        status=MessageStatus.PLANNED,
        error_code=refused.code,
        claimed_at=None,
        send_after=at + retry_delay(message.attempts),
    )
    return 0


def _tried_channels(message: Message) -> set[str]:
    tried, current = {message.channel}, message
    while current.replaces_id is not None:
        current = Message.objects.only("channel", "replaces_id").get(pk=current.replaces_id)
        tried.add(current.channel)
    return tried


def _fall_back(
    message: Message, reason: str, at: datetime, *, status: str = MessageStatus.SUPPRESSED
) -> int:
    """This channel cannot carry the message: the caregiver's next channel, or a task."""
    _save(
        message,
        at,
        status=status,
        error_code=reason[:40],
        claimed_at=None,
        attempts=message.attempts,
    )
    caregiver = message.caregiver
    if caregiver is None or message.kind in ANSWERS or message.kind == MessageKind.STAFF_REPLY:
        # An answer goes back only where the text came from; a staff reply is shown on the
        # conversation page with why it did not go, for its writer to reach them another way.
        return 0
    consents = latest_consents([caregiver.pk])
    opted = opted_out_numbers(message.practice, [str(caregiver.phone)] if caregiver.phone else [])
    way = reach(caregiver, consents=consents, opted_out=opted, skip=_tried_channels(message))
    if way is None:
        open_work(
            practice=message.practice,
            kind=TaskKind.FAMILY_UNREACHABLE,
            caregiver=caregiver,
            child=message.child,
            at=at,
        )
        return 0
    Message.objects.get_or_create(
        practice=message.practice,
        idempotency_key=f"{message.idempotency_key}>{way.channel}"[:200],
        defaults={
            "caregiver": caregiver,
            "child": message.child,
            "visit": message.visit,
            "kind": message.kind,
            "channel": way.channel,
            "to_address": way.address,
            "language": message.language,
            "body": message.body,
            "encoding": message.encoding,
            "segments": message.segments,
            "link_rows": message.link_rows,
            # The next channel carries the same family link and subject as the first.
            "link_purpose": message.link_purpose,
            "subject_id": message.subject_id,
            "status": MessageStatus.PLANNED,
            "send_after": at,
            "replaces": message,
            "created_at": at,
            "updated_at": at,
        },
    )
    return 0
