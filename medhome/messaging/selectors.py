"""Reads of messaging, already scoped to the actor's practice (messages.read)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.families.selectors import access_child
from medhome.practices.scoping import scoped

from .models import InboundText, Message, MessageStatus

OUTBOX_LIMIT = 200


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
    """The practice's messages, the latest first (a page: OUTBOX_LIMIT)."""
    rows = (
        scoped(actor, Message, need=Capability.MESSAGES_READ)
        .select_related("caregiver", "child")
        .order_by("-send_after", "-created_at")
    )
    if status in MessageStatus.values:
        rows = rows.filter(status=status)
    return rows


def unmatched_texts(actor: Actor) -> QuerySet[InboundText]:
    """Texts from numbers no caregiver has (or several share): for staff to read."""
    return scoped(actor, InboundText, need=Capability.MESSAGES_READ).filter(caregiver__isnull=True)


@dataclass(frozen=True)
class Line:
    """One text of a conversation, either way."""

    at: datetime
    outbound: bool
    body: str
    who: Any
    status: str = ""
    crisis: bool = False  # a family's text with words of crisis (crisis.py)


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
        Line(m.sent_at or m.send_after, True, m.body, m.caregiver, m.get_status_display())
        for m in sent[:OUTBOX_LIMIT]
    ] + [
        Line(t.received_at, False, t.body, t.caregiver, crisis=t.crisis)
        for t in received[:OUTBOX_LIMIT]
    ]
    return sorted(lines, key=lambda line: line.at)
