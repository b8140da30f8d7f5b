"""Recall: the children overdue for a well-child visit or a screen, and planning their families'
recall messages (the weekly sweep and the staff worklist, messaging:recall, plan the same way).

A child is to recall (docs/clinical-rules.md#recall, medhome rule) when it is on the panel, its
current well-child visit is overdue and not recorded, or one of the caregiver's screening rows is
overdue or carried forward as catch-up, and it has no well-child visit booked from today on. The
adolescent's own screens never make a recall nor ride on its link: the message goes to a parent's
channel. A child recalled within MEDHOME_MESSAGING["recall_every_days"] is not recalled again.

Set-based: the due list's one query (periodicity.panel.panel_due, with the booked visits as a
NOT EXISTS), one for the recent recalls, one for the primary contacts; then plan_outreach (its
few queries, one bulk insert, one audit append).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.periodicity.panel import PANEL_FIELDS, panel_due, panel_rows
from medhome.portal.models import Purpose
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Practice
from medhome.screening.due import ADOLESCENT_ROWS
from medhome.visits.models import Visit, VisitStatus

from ..models import Message, MessageKind
from ..rules import setting
from .outreach import KEY_CHUNK, Outreach, Planned, plan_outreach, primary_contacts
from .planning import SCREENING_VISITS

# Row statuses past their time: overdue at this visit, or missed at the last one (catch-up).
LATE_ROWS = ("overdue", "catch_up")
# A visit still ahead or under way today counts as booked.
BOOKED = (VisitStatus.SCHEDULED, VisitStatus.ARRIVED)


@dataclass(frozen=True)
class Candidate:
    """A child to recall, as the due list found it on the day."""

    child: Child
    visit_overdue: bool
    screen_due: bool
    # The caregiver's outstanding screening rows (the recall's link, made when sent).
    link_rows: tuple[str, ...]


def recall_every_days() -> int:
    return max(1, int(setting("recall_every_days")))


def recall_key(child_id: object, on: date) -> str:
    """One recall per child per recall_every_days window of days: two sweeps of the same
    window (or a sweep racing a staff click) plan it once."""
    return f"{MessageKind.RECALL}:{child_id}:{on.toordinal() // recall_every_days()}"


def recalled_from(practice: Practice, on: date) -> datetime:
    """The first moment whose recall still counts on `on` (practice-local days)."""
    first = on - timedelta(days=recall_every_days() - 1)
    return datetime.combine(first, time(0), tzinfo=calendar_of(practice).zone)


def booked(on: datetime, child: str = "pk") -> Exists:
    """The outer row's child has a well-child (or group) visit booked at or after `on`."""
    return Exists(
        Visit.objects.filter(
            child=OuterRef(child),
            status__in=BOOKED,
            kind__in=SCREENING_VISITS,
            starts_at__gte=on,
        )
    )


def visited_or_booked(child_id: UUID, *, since: datetime, practice: Practice) -> bool:
    """A well-child visit of the child booked, under way or done from the day of `since` on."""
    local = since.astimezone(calendar_of(practice).zone)
    return Visit.objects.filter(
        child_id=child_id,
        status__in=(*BOOKED, VisitStatus.COMPLETED),
        kind__in=SCREENING_VISITS,
        starts_at__gte=datetime.combine(local.date(), time(0), tzinfo=local.tzinfo),
    ).exists()


def _overdue(children: QuerySet[Child], practice: Practice, on: date) -> QuerySet[Child]:
    day_starts = datetime.combine(on, time(0), tzinfo=calendar_of(practice).zone)
    rows = panel_due(children, on, fields=(*PANEL_FIELDS, "family"))
    # A child merely due with nothing carried cannot have a late row: left out in SQL.
    return rows.filter(Q(visit_status="overdue") | Q(carried_from__isnull=False)).exclude(
        booked(day_starts)
    )


def recall_candidates(
    practice: Practice,
    on: date,
    *,
    child_ids: Collection[UUID] | None = None,
    children: QuerySet[Child] | None = None,
) -> list[Candidate]:
    """The practice's children to recall on `on`, in the due list's order (overdue first,
    oldest first), whether or not they were recalled lately. `children` narrows the set (a
    viewer's scope); `child_ids` to these children. One query."""
    base = children if children is not None else Child.objects.all()
    base = base.filter(practice=practice)
    if child_ids is not None:
        base = base.filter(pk__in=list(child_ids))
    found = []
    for row in panel_rows(_overdue(base, practice, on), on):
        late = [k for k, s in row.rows.items() if s in LATE_ROWS and k not in ADOLESCENT_ROWS]
        visit_overdue = row.status == "overdue"
        if not visit_overdue and not late:
            continue
        link_rows = tuple(k for k in row.outstanding if k not in ADOLESCENT_ROWS)
        found.append(Candidate(row.child, visit_overdue, bool(late), link_rows))
    return found


def recent_recalls(
    practice: Practice, on: date, *, child_ids: Iterable[UUID] | None = None
) -> dict[object, datetime]:
    """Child id → when it was last recalled within recall_every_days. One query (chunked when
    given many ids)."""
    rows = Message.objects.filter(
        practice=practice, kind=MessageKind.RECALL, created_at__gte=recalled_from(practice, on)
    )
    found: dict[object, datetime] = {}
    ids = None if child_ids is None else list(child_ids)
    chunks = (
        [rows]
        if ids is None
        else [
            rows.filter(child_id__in=ids[i : i + KEY_CHUNK]) for i in range(0, len(ids), KEY_CHUNK)
        ]
    )
    for chunk in chunks:
        for child_id, created_at in chunk.values_list("child_id", "created_at"):
            if child_id not in found or created_at > found[child_id]:
                found[child_id] = created_at
    return found


def plan_recalls(
    *,
    practice: Practice,
    on: date,
    at: datetime,
    actor: Actor | None = None,
    child_ids: Collection[UUID] | None = None,
) -> Planned:
    """Plan a recall for each child to recall on `on` (all of the practice's, or those of
    `child_ids` that are) not recalled within recall_every_days. The messages go through the
    sender at the family's good times; a family who prefers a call or print gets the message
    planned and kept for staff (the call list), like a reminder. Idempotent on the key."""
    candidates = recall_candidates(practice, on, child_ids=child_ids)
    recent = recent_recalls(
        practice, on, child_ids=None if child_ids is None else [c.child.pk for c in candidates]
    )
    todo = [c for c in candidates if c.child.pk not in recent]
    contacts = primary_contacts(c.child.family_id for c in todo)
    items = []
    for candidate in todo:
        caregiver = contacts.get(candidate.child.family_id)
        if caregiver is None:
            continue
        items.append(
            Outreach(
                key=recall_key(candidate.child.pk, on),
                kind=MessageKind.RECALL,
                caregiver=caregiver,
                child=candidate.child,
                desired=at,
                variant="with_link" if candidate.link_rows else "plain",
                link_purpose=Purpose.SCREENING if candidate.link_rows else "",
                link_rows=candidate.link_rows,
            )
        )
    return plan_outreach(practice=practice, items=items, at=at, actor=actor)


def plan_all_recalls(*, at: datetime) -> int:
    """The periodic job: every practice's recalls on its local date."""
    total = 0
    for practice in Practice.objects.order_by("pk"):
        on = at.astimezone(calendar_of(practice).zone).date()
        total += plan_recalls(practice=practice, on=on, at=at).created
    return total
