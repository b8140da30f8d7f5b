"""What the family's pre-visit page says about the coming well-child visit: the schedule's
anticipatory guidance topics for it and public materials in the family's language
(docs/clinical-rules.md#anticipatory-guidance).

Read through the family's link (the child it opens), never through a staff actor: the page has no
user, and the child is the link's own.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.functional import Promise

from medhome.core import clock
from medhome.families.models import Child
from medhome.periodicity.engine import next_due
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.services import completions_for, facts_for
from medhome.periodicity.windows import visit_for_day
from medhome.portal.models import FamilyLink, Purpose
from medhome.visits.models import Visit, VisitKind, VisitStatus
from medhome.visits.selectors import day_bounds

from .guidance import TOPICS, topics_at
from .materials import Shown, materials_for

WELL_CHILD_KINDS = (VisitKind.WELL_CHILD, VisitKind.GROUP)


@dataclass(frozen=True)
class FamilyGuidance:
    visit_key: str
    visit_label: Promise | str
    topics: tuple[Promise, ...]
    shown: Shown


def _booked_visit_key(child: Child, at: datetime) -> str | None:
    """The schedule visit of the child's next booked well-child visit (from today on)."""
    start, _end = day_bounds(clock.local_date(at))
    starts_at = (
        Visit.objects.filter(
            practice_id=child.practice_id,
            child_id=child.pk,
            kind__in=WELL_CHILD_KINDS,
            status=VisitStatus.SCHEDULED,
            starts_at__gte=start,
        )
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if starts_at is None:
        return None
    visit = visit_for_day(
        child.date_of_birth, clock.local_date(starts_at), discharged_on=child.birth_discharged_on
    )
    return visit.key if visit else None


def coming_visit_key(child: Child, at: datetime) -> str | None:
    """The visit the pre-visit page is for: the booked well-child visit when there is one, else
    the next visit the schedule has due (the current one while its window is open)."""
    booked = _booked_visit_key(child, at)
    if booked:
        return booked
    due = next_due(facts_for(child), clock.local_date(at), completions_for(child))
    return due.visit.key if due else None


def for_family(child: Child, language: str, at: datetime) -> FamilyGuidance | None:
    """The topics of the coming visit and its materials in `language` (the family's), or None
    when the schedule lists no topics for it."""
    key = coming_visit_key(child, at)
    topics = topics_at(key) if key else ()
    if not key or not topics:
        return None
    return FamilyGuidance(
        visit_key=key,
        visit_label=current_schedule(clock.local_date(at)).visit(key).label,
        topics=tuple(TOPICS[topic] for topic in topics),
        shown=materials_for(key, language),
    )


def family_saw_topics(child: Child, opens: date) -> datetime | None:
    """When a pre-visit page of this child was last opened since the visit's window opened: the
    page lists the visit's topics, so the chart's checklist can say the family saw them."""
    start, _end = day_bounds(opens)
    return (
        FamilyLink.objects.filter(
            practice_id=child.practice_id,
            child_id=child.pk,
            purpose=Purpose.SCREENING,
            last_opened_at__gte=start,
        )
        .order_by("-last_opened_at")
        .values_list("last_opened_at", flat=True)
        .first()
    )
