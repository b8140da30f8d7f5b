"""Planning any message to a family: the one place where a planned message gets its channel,
its words, its moment and its status. Every kind's sweep (visit reminders, recalls, referral
follow-ups, check-ins after a hospital stay, care-plan reviews, experience surveys) builds
Outreach items and hands them here; staff sending from a worklist do the same.

Set-based: a few queries for the whole batch (the keys already planned, consents, availability
windows, opted-out numbers), then one bulk insert and one audit append. Idempotent on the key
(unique per practice). The family link a message carries is made when it is sent, never here:
the stored body shows the link's place with the token masked.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.urls import reverse

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.core.actor import Actor
from medhome.core.copy import insert_rows
from medhome.families.models import AvailabilityWindow, Caregiver, Child
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Practice
from medhome.tasks.models import TaskKind
from medhome.tasks.services import open_task
from medhome.visits.models import Visit

from .. import segments, texts
from ..models import Message, MessageStatus
from ..rules import QuietHours, next_allowed, setting
from .common import (
    MESSAGE_OBJECT,
    TOKEN_MASK,
    absolute,
    latest_consents,
    named_electronic_channel,
    opted_out_numbers,
    phone_text,
    reach,
    spans_of,
    system_actor,
)

# The family page each link purpose opens (portal.pages.urls); the token is the path's key.
LINK_PAGES = {
    "screening": "portal:screening_start",
    "care_plan": "portal:plan",
    "referral_status": "portal:referral_status",
    "experience": "portal:experience",
}
# The link each kind carries when its text has one.
KIND_LINKS = {
    "visit_reminder": "screening",
    "recall": "screening",
    "referral_follow_up": "referral_status",
    "care_plan_review": "care_plan",
    "experience_survey": "experience",
}
KEY_CHUNK = 5000
# From this many rows a COPY (and its savepoint) beats an INSERT.
COPY_FROM = 500


def link_url(purpose: str, token: str) -> str:
    return absolute(reverse(LINK_PAGES[purpose], args=[token]))


def link_placeholder(purpose: str) -> str:
    """Where the link goes in a stored body: the real address with the token masked, so the
    stored text has the length (and the segment count) of the one sent."""
    return link_url(purpose, TOKEN_MASK)


@dataclass(frozen=True)
class Outreach:
    """One message to plan. `variant` names the text (texts.TEXTS); a variant with {link}
    needs `link_purpose`. After `deadline` (a visit's start) the message is pointless."""

    key: str
    kind: str
    caregiver: Caregiver
    child: Child | None
    desired: datetime
    variant: str = "plain"
    values: Mapping[str, str] = field(default_factory=dict)
    link_purpose: str = ""
    link_rows: tuple[str, ...] = ()
    visit: Visit | None = None
    subject_id: str = ""
    deadline: datetime | None = None


@dataclass(frozen=True)
class Planned:
    created: int
    suppressed: int


def already_planned(practice: Practice, keys: Iterable[str]) -> set[str]:
    """The keys of this practice's messages that exist (planned, sent or not sent)."""
    wanted, found = list(keys), set[str]()
    for start in range(0, len(wanted), KEY_CHUNK):
        found.update(
            Message.objects.filter(
                practice=practice, idempotency_key__in=wanted[start : start + KEY_CHUNK]
            ).values_list("idempotency_key", flat=True)
        )
    return found


def primary_contacts(family_ids: Iterable[UUID]) -> dict[object, Caregiver]:
    """Family id → whom a message is for unless staff choose (portal.links.default_caregiver's
    order: the primary contact, else the first by name). One query per KEY_CHUNK families."""
    ids = list(set(family_ids))
    found: dict[object, Caregiver] = {}
    for start in range(0, len(ids), KEY_CHUNK):
        for caregiver in Caregiver.objects.filter(
            family_id__in=ids[start : start + KEY_CHUNK]
        ).order_by("family_id", "-is_primary_contact", "given_name", "pk"):
            found.setdefault(caregiver.family_id, caregiver)
    return found


def practice_name(practice: Practice) -> str:
    return str(setting("practice_name") or practice.name)


def render_for(
    item: Outreach, *, practice: Practice, language: str, link: str = ""
) -> texts.Rendered | None:
    values = {
        **item.values,
        "practice": practice_name(practice),
        "link": link or (link_placeholder(item.link_purpose) if item.link_purpose else ""),
    }
    return texts.render(item.kind, item.variant, language, values)


def _windows(caregiver_ids: list[UUID]) -> dict[object, list[AvailabilityWindow]]:
    found: dict[object, list[AvailabilityWindow]] = defaultdict(list)
    for start in range(0, len(caregiver_ids), KEY_CHUNK):
        for window in AvailabilityWindow.objects.filter(
            caregiver_id__in=caregiver_ids[start : start + KEY_CHUNK]
        ):
            found[window.caregiver_id].append(window)
    return found


def plan_outreach(
    *, practice: Practice, items: list[Outreach], at: datetime, actor: Actor | None = None
) -> Planned:
    """Plan these messages (those whose key exists are left alone). A message that cannot go
    is kept SUPPRESSED with its reason, and the coordinator gets a task when the family named
    a text or email that no longer works, or when the words do not exist in their language."""
    planned = already_planned(practice, (item.key for item in items))
    todo = [item for item in items if item.key not in planned]
    if not todo:
        return Planned(0, 0)
    calendar = calendar_of(practice)
    quiet = QuietHours.from_settings()
    caregiver_ids = list({item.caregiver.pk for item in todo})
    consents = latest_consents(caregiver_ids)
    windows = _windows(caregiver_ids)
    phones = {item.caregiver.pk: phone_text(item.caregiver) for item in todo}
    opted_out = opted_out_numbers(practice, [p for p in set(phones.values()) if p])
    placeholders = {p: link_placeholder(p) for p in {i.link_purpose for i in todo} if p}
    counts: dict[str, segments.SegmentCount] = {}
    rows: list[Message] = []
    tasks: list[dict[str, Any]] = []
    for item in todo:
        caregiver = item.caregiver
        language = caregiver.preferred_language or "en"
        way = reach(caregiver, consents=consents, opted_out=opted_out, phone=phones[caregiver.pk])
        rendered = render_for(
            item,
            practice=practice,
            language=language,
            link=placeholders.get(item.link_purpose, ""),
        )
        send_after = next_allowed(
            item.desired, windows=spans_of(windows[caregiver.pk]), calendar=calendar, quiet=quiet
        )
        status = MessageStatus.HELD if send_after > item.desired else MessageStatus.PLANNED
        error = ""
        if rendered is None:
            status, error = MessageStatus.SUPPRESSED, "no_text_in_language"
            tasks.append({"kind": TaskKind.MESSAGE_LANGUAGE_MISSING, "item": item})
        elif way is None:
            status, error = MessageStatus.SUPPRESSED, "no_channel"
            if named_electronic_channel(caregiver):
                tasks.append({"kind": TaskKind.FAMILY_UNREACHABLE, "item": item})
        elif item.deadline is not None and send_after >= item.deadline:
            status, error = MessageStatus.SUPPRESSED, "after_visit"
        body = rendered.body if rendered else ""
        if body not in counts:
            counts[body] = segments.count(body)
        count = counts[body]
        rows.append(
            Message(
                practice=practice,
                caregiver=caregiver,
                child=item.child,
                visit=item.visit,
                kind=item.kind,
                channel=way.channel if way else caregiver.preferred_channel[:10],
                to_address=way.address if way else "",
                language=language,
                body=body,
                encoding=count.encoding,
                segments=count.segments,
                link_rows=list(item.link_rows),
                link_purpose=item.link_purpose,
                subject_id=item.subject_id,
                idempotency_key=item.key,
                status=status,
                error_code=error,
                send_after=send_after,
                created_at=at,
                updated_at=at,
            )
        )
    with transaction.atomic():
        _insert(rows)
        record_many(
            actor=actor or system_actor(practice),
            entries=[
                Entry(
                    action=Action.CREATE,
                    object_type=MESSAGE_OBJECT,
                    object_id=m.pk,
                    detail={
                        "kind": m.kind,
                        "status": m.status,
                        **({"visit": str(m.visit_id)} if m.visit_id else {}),
                        **({"about": m.subject_id} if m.subject_id else {}),
                    },
                )
                for m in rows
            ],
            at=at,
            practice=practice,
        )
        for task in tasks:
            item = task["item"]
            open_work(
                practice=practice,
                kind=task["kind"],
                caregiver=item.caregiver,
                child=item.child,
                at=at,
            )
    suppressed = sum(1 for m in rows if m.status == MessageStatus.SUPPRESSED)
    return Planned(created=len(rows) - suppressed, suppressed=suppressed)


def _insert(rows: list[Message]) -> None:
    """The new rows; many by COPY on PostgreSQL. A sweep or a staff member planning the same
    key at the same moment makes that fail: then as a few, leaving out what the other planned."""
    if len(rows) < COPY_FROM:
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        return
    try:
        with transaction.atomic():
            insert_rows(Message, rows)
    except IntegrityError:
        Message.objects.bulk_create(rows, ignore_conflicts=True)


def open_work(
    *, practice: Practice, kind: str, caregiver: Caregiver, child: Child | None, at: datetime
) -> None:
    """The coordinator's task when a family cannot be reached (one per caregiver and day)."""
    open_task(
        practice=practice,
        child=child,
        kind=kind,
        due_at=at + timedelta(days=1),
        source_type="message",
        source_id="",
        dedupe_key=f"messaging:{kind}:{caregiver.pk}:{at.date().isoformat()}",
        at=at,
    )
