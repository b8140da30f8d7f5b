"""Planning visit reminders: a set-based sweep, idempotent on visit + kind + offset.

For each offset in MEDHOME_MESSAGING["reminder_days_before"] (default 3 and 1), the booked
visits `offset` days after `day` of children still on the panel; the family's primary contact
(portal.links.default_caregiver's order); the screening rows open for that visit
(periodicity.panel, one query per visit day) — the caregiver's rows only: the adolescent's own
screens are never sent to a parent's phone, and a confidential visit (the adolescent's own
care, Visit.confidential) gets no reminder at all. A few queries per offset, however many
visits; then one bulk insert and one audit append.
"""

from datetime import date, datetime, time, timedelta

from medhome.families.models import Child, on_panel
from medhome.periodicity.panel import panel_due, panel_rows
from medhome.portal.models import Purpose
from medhome.practices.calendar import Calendar, calendar_of
from medhome.practices.models import Practice
from medhome.screening.due import ADOLESCENT_ROWS
from medhome.visits.models import Visit, VisitKind, VisitStatus

from .. import texts
from ..models import MessageKind
from ..rules import setting
from .outreach import (
    Outreach,
    Planned,
    already_planned,
    plan_outreach,
    practice_name,
    primary_contacts,
)

# Visits at which the practice screens (a sick visit is not a reason to send questions).
SCREENING_VISITS = (VisitKind.WELL_CHILD, VisitKind.GROUP)


def reminder_key(visit_id: object, offset: int) -> str:
    return f"{MessageKind.VISIT_REMINDER}:{visit_id}:{offset}"


def _day_bounds(day: date, calendar: Calendar) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=calendar.zone)
    return start, start + timedelta(days=1)


def _visits(practice: Practice, visit_day: date, on: date, calendar: Calendar) -> list[Visit]:
    start, end = _day_bounds(visit_day, calendar)
    return list(
        Visit.objects.filter(
            practice=practice,
            status=VisitStatus.SCHEDULED,
            confidential=False,
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


def reminder_values(starts_at: datetime, language: str) -> dict[str, str]:
    return {"when": texts.format_when(starts_at, language)}


def reminder_body(
    *, practice: Practice, starts_at: datetime, language: str, link: str | None, paper: bool = False
) -> texts.Rendered | None:
    """A reminder's words: with the pre-visit link, without it, or for paper (no link, no
    "Reply STOP": a family link is never printed, and paper cannot be answered by text)."""
    values = {
        **reminder_values(starts_at, language),
        "practice": practice_name(practice),
        "link": link or "",
    }
    variant = "paper" if paper else ("with_link" if link else "plain")
    return texts.render(MessageKind.VISIT_REMINDER, variant, language, values)


def plan_visit_reminders(*, practice: Practice, day: date, at: datetime) -> Planned:
    """Plan the reminders due on `day` (the practice's local date) for the practice's booked
    visits. Running it again plans nothing twice (the key is visit + kind + offset)."""
    calendar = calendar_of(practice)
    reminder_time = time.fromisoformat(setting("reminder_time"))
    desired = max(at, datetime.combine(day, reminder_time, tzinfo=calendar.zone))
    items: list[Outreach] = []
    for offset in sorted({int(d) for d in setting("reminder_days_before")}):
        visit_day = day + timedelta(days=offset)
        visits = _visits(practice, visit_day, day, calendar)
        keys = {reminder_key(v.pk, offset): v for v in visits}
        existing = already_planned(practice, keys)
        todo = [(key, v) for key, v in keys.items() if key not in existing]
        if not todo:
            continue
        due = _due_rows([v.child for _k, v in todo if v.kind in SCREENING_VISITS], visit_day)
        contacts = primary_contacts({v.child.family_id for _k, v in todo})
        for key, visit in todo:
            caregiver = contacts.get(visit.child.family_id)
            if caregiver is None:
                continue
            link_rows = tuple(due.get(visit.child.pk, []))
            items.append(
                Outreach(
                    key=key,
                    kind=MessageKind.VISIT_REMINDER,
                    caregiver=caregiver,
                    child=visit.child,
                    visit=visit,
                    desired=desired,
                    deadline=visit.starts_at,
                    variant="with_link" if link_rows else "plain",
                    values=reminder_values(visit.starts_at, caregiver.preferred_language),
                    link_purpose=Purpose.SCREENING if link_rows else "",
                    link_rows=link_rows,
                )
            )
    return plan_outreach(practice=practice, items=items, at=at)


def plan_all_visit_reminders(*, at: datetime) -> int:
    """The periodic job: today's reminders for every practice (their local date)."""
    total = 0
    for practice in Practice.objects.order_by("pk"):
        day = at.astimezone(calendar_of(practice).zone).date()
        total += plan_visit_reminders(practice=practice, day=day, at=at).created
    return total
