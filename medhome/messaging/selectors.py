"""Reads of messaging, already scoped to the actor's practice (messages.read)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import AvailabilityWindow, Caregiver, Child
from medhome.families.selectors import access_child
from medhome.families.vocabulary import Channel
from medhome.practices.calendar import calendar_of
from medhome.practices.scoping import get_scoped, scoped
from medhome.visits.models import VisitStatus

from .models import CALLED_KINDS, PRINTED_KINDS, InboundText, Message, MessageKind, MessageStatus

OUTBOX_LIMIT = 200
OUTBOX_PAGE = 50


def mask_number(number: str) -> str:
    """A phone number as staff see it in lists: only its last four digits."""
    digits = [ch for ch in number if ch.isdigit()]
    if len(digits) < 4:
        return "•••"
    return "(•••) •••-" + "".join(digits[-4:])


def mask_address(channel: str, address: str) -> str:
    if channel == "email":
        name, _at, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}" if domain else "•••"
    return mask_number(address)


def outbox(actor: Actor, *, status: str = "") -> QuerySet[Message]:
    """The practice's messages by the date the outbox shows (sent, or planned for), the latest
    first; the page shows OUTBOX_PAGE at a time."""
    rows = (
        scoped(actor, Message, need=Capability.MESSAGES_READ)
        .select_related("caregiver", "child")
        .annotate(shown_at=Coalesce("sent_at", "send_after"))
        .order_by("-shown_at", "-created_at")
    )
    if status in MessageStatus.values:
        rows = rows.filter(status=status)
    return rows


def unmatched_texts(actor: Actor) -> QuerySet[InboundText]:
    """Texts from numbers no caregiver has (or several share): for staff to read."""
    return (
        scoped(actor, InboundText, need=Capability.MESSAGES_READ)
        .filter(caregiver__isnull=True)
        .order_by("-received_at")
    )


@dataclass(frozen=True)
class Line:
    """One text of a conversation, either way."""

    at: datetime
    outbound: bool
    body: str
    who: Any
    status: str = ""
    crisis: bool = False  # a family's text with words of crisis (crisis.py)
    # What a message planned by a sweep was (the check-in after a hospital stay, …), so staff
    # reading the family's answer know what they answered.
    about: str = ""


# The kinds whose name the conversation shows beside the message.
LABELLED_KINDS = (MessageKind.DISCHARGE_CHECK_IN, MessageKind.CARE_PLAN_REVIEW)


def child_for_messages(actor: Actor, child_id: UUID) -> Child:
    return access_child(actor, child_id, need=Capability.MESSAGES_READ)


def caregivers_of(actor: Actor, child: Child) -> QuerySet[Caregiver]:
    """The caregivers of the child's family, whom the team may answer."""
    return scoped(actor, Caregiver, need=Capability.MESSAGES_READ).filter(family_id=child.family_id)


def conversation(actor: Actor, child: Child) -> list[Line]:
    """The texts between the practice and the child's family's caregivers, oldest first.

    Every message to the family is listed (messages are about the household's visits); a text
    a caregiver sent is listed under the family too."""
    sent = (
        scoped(actor, Message, need=Capability.MESSAGES_READ)
        .filter(caregiver__family_id=child.family_id)
        .exclude(status=MessageStatus.SUPPRESSED)
        .select_related("caregiver")
    )
    received = (
        scoped(actor, InboundText, need=Capability.MESSAGES_READ)
        .filter(caregiver__family_id=child.family_id)
        .select_related("caregiver")
    )
    lines = [
        Line(
            m.sent_at or m.send_after,
            True,
            m.body,
            m.caregiver,
            m.get_status_display(),
            about=str(m.get_kind_display()) if m.kind in LABELLED_KINDS else "",
        )
        for m in sent[:OUTBOX_LIMIT]
    ] + [
        Line(t.received_at, False, t.body, t.caregiver, crisis=t.crisis)
        for t in received[:OUTBOX_LIMIT]
    ]
    return sorted(lines, key=lambda line: line.at)


# The families staff reach themselves: a call, or a reminder handed over or mailed.
CALL_CHANNELS = (Channel.PHONE,)
HAND_CHANNELS = (Channel.PRINT, Channel.IN_PERSON)
CALL_LIMIT = 500


# A message about something other than a visit stays on the list this long, then it is stale.
WORK_DAYS = 7


def reminders_to_work(actor: Actor, *, at: datetime) -> list[Message]:
    """Messages not sent because the family prefers a call, print or a word in person, due by
    the end of today (the practice's date), not yet worked: a visit reminder while its visit
    is still to come, the other kinds (recall, referral follow-up, check-in, plan review) for a
    week; visit reminders and recalls only on paper. Earliest good time first. One query for
    the rows, one for the caregivers' hours."""
    zone = calendar_of(actor.practice).zone
    today = at.astimezone(zone).date()
    end_of_today = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
    still_to_come = Q(
        kind=MessageKind.VISIT_REMINDER,
        visit__status=VisitStatus.SCHEDULED,
        visit__starts_at__gte=at,
    )
    recent = Q(
        kind__in=[k for k in CALLED_KINDS if k != MessageKind.VISIT_REMINDER],
        send_after__gte=at - timedelta(days=WORK_DAYS),
    )
    rows = (
        scoped(actor, Message, need=Capability.MESSAGES_READ)
        .filter(still_to_come | recent)
        .filter(
            Q(channel__in=CALL_CHANNELS) | Q(channel__in=HAND_CHANNELS, kind__in=PRINTED_KINDS),
            status=MessageStatus.SUPPRESSED,
            error_code="no_channel",
            send_after__lt=end_of_today,
        )
        .select_related("caregiver", "caregiver__family", "child", "visit")
        .prefetch_related(
            Prefetch(
                "caregiver__availability",
                queryset=AvailabilityWindow.objects.order_by("weekday", "starts_at"),
            )
        )
        .order_by("send_after", "visit__starts_at", "pk")
    )
    return list(rows[:CALL_LIMIT])


def access_call(actor: Actor, message_id: UUID) -> Message:
    """A message staff phone about, of the actor's practice (404 otherwise)."""
    return get_scoped(
        actor,
        Message,
        need=Capability.MESSAGES_READ,
        pk=message_id,
        kind__in=CALLED_KINDS,
    )
