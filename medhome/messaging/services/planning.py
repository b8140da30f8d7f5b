"""Planning visit reminders: a set-based sweep, idempotent on visit + kind + offset.

For each offset in MEDHOME_MESSAGING["reminder_days_before"] (default 3 and 1), the booked
visits `offset` days after `day` of children still on the panel; the family's primary contact
(portal.links.default_caregiver's order); the screening rows open for that visit
(periodicity.panel, one query per visit day) — the caregiver's rows only: the adolescent's own
screens are never sent to a parent's phone. The visit model has no notion of a confidential
visit yet; when it has, such visits are left out here. A few queries per offset, however many
visits; then one bulk insert and one audit append.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import Entry, record_many
from medhome.families.models import AvailabilityWindow, Caregiver, Child, on_panel
from medhome.periodicity.panel import panel_due, panel_rows
from medhome.practices.calendar import Calendar, calendar_of
from medhome.practices.models import Practice
from medhome.screening.due import ADOLESCENT_ROWS
from medhome.tasks.models import TaskKind
from medhome.tasks.services import open_task
from medhome.visits.models import Visit, VisitKind, VisitStatus

from .. import segments, texts
from ..models import Message, MessageKind, MessageStatus
from ..rules import QuietHours, next_allowed, setting
from .common import (
    MESSAGE_OBJECT,
    TOKEN_MASK,
    absolute,
    latest_consents,
    named_electronic_channel,
    opted_out_numbers,
    reach,
    spans_of,
    system_actor,
)

# Visits at which the practice screens (a sick visit is not a reason to send questions).
SCREENING_VISITS = (VisitKind.WELL_CHILD, VisitKind.GROUP)
# What a stored reminder shows where the link goes; the real link is made when it is sent.
LINK_PLACEHOLDER = "/f/" + TOKEN_MASK + "/"


def reminder_key(visit_id: object, offset: int) -> str:
    return f"{MessageKind.VISIT_REMINDER}:{visit_id}:{offset}"


@dataclass(frozen=True)
class Planned:
    created: int
    suppressed: int


def _day_bounds(day: date, calendar: Calendar) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=calendar.zone)
    return start, start + timedelta(days=1)


def _visits(practice: Practice, visit_day: date, on: date, calendar: Calendar) -> list[Visit]:
    start, end = _day_bounds(visit_day, calendar)
    return list(
        Visit.objects.filter(
            practice=practice,
            status=VisitStatus.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .filter(on_panel(on, "child"))
        .select_related("child")
        .only("pk", "starts_at", "kind", "child__id", "child__family_id", "child__practice_id")
        .order_by("starts_at", "pk")
    )


def _due_rows(children: list[Child], visit_day: date) -> dict[object, list[str]]:
    """Child id → the caregiver's screening rows still open at the visit. One query."""
    if not children:
        return {}
    annotated = panel_due(Child.objects.filter(pk__in=[c.pk for c in children]), visit_day)
    return {
        row.child.pk: [key for key in row.outstanding if key not in ADOLESCENT_ROWS]
        for row in panel_rows(annotated, visit_day)
    }


def _primary_contacts(family_ids: set[UUID]) -> dict[object, Caregiver]:
    """Family id → whom a reminder is for (portal.links.default_caregiver's order). One query."""
    found: dict[object, Caregiver] = {}
    for caregiver in Caregiver.objects.filter(family_id__in=family_ids).order_by(
        "family_id", "-is_primary_contact", "given_name", "pk"
    ):
        found.setdefault(caregiver.family_id, caregiver)
    return found


def _windows(caregiver_ids: list[UUID]) -> dict[object, list[AvailabilityWindow]]:
    found: dict[object, list[AvailabilityWindow]] = defaultdict(list)
    for window in AvailabilityWindow.objects.filter(caregiver_id__in=caregiver_ids):
        found[window.caregiver_id].append(window)
    return found


def reminder_body(
    *, practice: Practice, starts_at: datetime, language: str, link: str | None
) -> texts.Rendered | None:
    values = {
        "practice": str(setting("practice_name") or practice.name),
        "when": texts.format_when(starts_at, language),
        "link": link or "",
    }
    return texts.render(
        MessageKind.VISIT_REMINDER, "with_link" if link else "plain", language, values
    )


def plan_visit_reminders(*, practice: Practice, day: date, at: datetime) -> Planned:
    """Plan the reminders due on `day` (the practice's local date) for the practice's booked
    visits. Running it again plans nothing twice (the key is visit + kind + offset)."""
    calendar = calendar_of(practice)
    quiet = QuietHours.from_settings()
    reminder_time = time.fromisoformat(setting("reminder_time"))
    rows: list[Message] = []
    tasks: list[dict[str, Any]] = []
    for offset in sorted({int(d) for d in setting("reminder_days_before")}):
        visit_day = day + timedelta(days=offset)
        visits = _visits(practice, visit_day, day, calendar)
        keys = {reminder_key(v.pk, offset): v for v in visits}
        existing = set(
            Message.objects.filter(practice=practice, idempotency_key__in=list(keys)).values_list(
                "idempotency_key", flat=True
            )
        )
        todo = [(key, v) for key, v in keys.items() if key not in existing]
        if not todo:
            continue
        due = _due_rows([v.child for _k, v in todo if v.kind in SCREENING_VISITS], visit_day)
        contacts = _primary_contacts({v.child.family_id for _k, v in todo})
        caregiver_ids = [c.pk for c in contacts.values()]
        consents = latest_consents(caregiver_ids)
        windows = _windows(caregiver_ids)
        opted_out = opted_out_numbers(
            practice, [str(c.phone) for c in contacts.values() if c.phone]
        )
        desired = max(at, datetime.combine(day, reminder_time, tzinfo=calendar.zone))
        for key, visit in todo:
            caregiver = contacts.get(visit.child.family_id)
            if caregiver is None:
                continue
            link_rows = due.get(visit.child.pk, [])
            way = reach(caregiver, consents=consents, opted_out=opted_out)
            rendered = reminder_body(
                practice=practice,
                starts_at=visit.starts_at,
                language=caregiver.preferred_language,
                link=absolute(LINK_PLACEHOLDER) if link_rows else None,
            )
            send_after = next_allowed(
                desired, windows=spans_of(windows[caregiver.pk]), calendar=calendar, quiet=quiet
            )
            status, error = (
                MessageStatus.HELD if send_after > desired else MessageStatus.PLANNED,
                "",
            )
            if rendered is None:
                status, error = MessageStatus.SUPPRESSED, "no_text_in_language"
                tasks.append(
                    {
                        "kind": TaskKind.MESSAGE_LANGUAGE_MISSING,
                        "caregiver": caregiver,
                        "visit": visit,
                    }
                )
            elif way is None:
                status, error = MessageStatus.SUPPRESSED, "no_channel"
                if named_electronic_channel(caregiver):
                    tasks.append(
                        {
                            "kind": TaskKind.FAMILY_UNREACHABLE,
                            "caregiver": caregiver,
                            "visit": visit,
                        }
                    )
            elif send_after >= visit.starts_at:
                status, error = MessageStatus.SUPPRESSED, "after_visit"
            count = segments.count(rendered.body if rendered else "")
            rows.append(
                Message(
                    practice=practice,
                    caregiver=caregiver,
                    child=visit.child,
                    visit=visit,
                    kind=MessageKind.VISIT_REMINDER,
                    channel=way.channel if way else caregiver.preferred_channel[:10],
                    to_address=way.address if way else "",
                    language=caregiver.preferred_language or "en",
                    body=rendered.body if rendered else "",
                    encoding=count.encoding,
                    segments=count.segments,
                    link_rows=link_rows,
                    idempotency_key=key,
                    status=status,
                    error_code=error,
                    send_after=send_after,
                    created_at=at,
                    updated_at=at,
                )
            )
    with transaction.atomic():
        # ignore_conflicts: a sweep running at the same time may have planned some first.
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        record_many(
            actor=system_actor(practice),
            entries=[
                Entry(
                    action=Action.CREATE,
                    object_type=MESSAGE_OBJECT,
                    object_id=m.pk,
                    detail={"kind": m.kind, "status": m.status, "visit": str(m.visit_id)},
                )
                for m in rows
            ],
            at=at,
            practice=practice,
        )
        for task in tasks:
            open_work(practice=practice, at=at, **task)
    suppressed = sum(1 for m in rows if m.status == MessageStatus.SUPPRESSED)
    return Planned(created=len(rows) - suppressed, suppressed=suppressed)


def open_work(
    *, practice: Practice, kind: str, caregiver: Caregiver, visit: Visit | None, at: datetime
) -> None:
    """The coordinator's task when a family cannot be reached (one per caregiver and day)."""
    open_task(
        practice=practice,
        child=visit.child if visit is not None else None,
        kind=kind,
        due_at=at + timedelta(days=1),
        source_type="message",
        source_id="",
        dedupe_key=f"messaging:{kind}:{caregiver.pk}:{at.date().isoformat()}",
        at=at,
    )


def plan_all_visit_reminders(*, at: datetime) -> int:
    """The periodic job: today's reminders for every practice (their local date)."""
    total = 0
    for practice in Practice.objects.order_by("pk"):
        day = at.astimezone(calendar_of(practice).zone).date()
        total += plan_visit_reminders(practice=practice, day=day, at=at).created
    return total
