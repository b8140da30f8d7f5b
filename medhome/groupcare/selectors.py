"""Reads of group well-child care, always through the practice scope (another practice's cohort,
session or attendance is a 404): the cohorts, a cohort's members and its series of sessions
planned along the Bright Futures visits, and a session's roster with the links to each child's
part of the well-child visit. Each page reads in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404

from medhome.accounts.models import User
from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.periodicity.rules import current_rules
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import Window, window_of
from medhome.portal.models import FamilyLink, Purpose
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Membership, Site
from medhome.practices.scoping import scoped
from medhome.screening.models import Administration, Status
from medhome.visits.models import Visit, VisitStatus

from . import rules
from .models import Attendance, Cohort, CohortMember, CohortStatus, Session

NEED = Capability.GROUPCARE_RUN
# The caregiver-depression row's visits (the schedule's "caregiver_depression" row): at these
# sessions the roster offers the mother's screen.
CAREGIVER_ROW = "caregiver_depression"


def _get(queryset: QuerySet, pk: UUID | str) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404 from missing


def access_cohort(actor: Actor, cohort_id: UUID | str) -> Cohort:
    return _get(
        scoped(actor, Cohort, need=NEED).select_related(
            "practice", "site", "facilitator", "co_facilitator"
        ),
        cohort_id,
    )


def access_session(actor: Actor, session_id: UUID | str) -> Session:
    return _get(
        scoped(actor, Session, need=NEED).select_related(
            "cohort",
            "cohort__practice",
            "cohort__site",
            "cohort__facilitator",
            "cohort__co_facilitator",
        ),
        session_id,
    )


def access_attendance(actor: Actor, attendance_id: UUID | str) -> Attendance:
    return _get(
        scoped(actor, Attendance, need=NEED).select_related(
            "session", "session__cohort", "child", "visit"
        ),
        attendance_id,
    )


def access_member(actor: Actor, member_id: UUID | str) -> CohortMember:
    return _get(scoped(actor, CohortMember, need=NEED).select_related("cohort", "child"), member_id)


def cohorts(actor: Actor) -> list[Cohort]:
    """The practice's groups — running, then forming, then closed; the youngest first — with
    their open members counted. One query."""
    rank = Case(
        When(status=CohortStatus.RUNNING, then=Value(0)),
        When(status=CohortStatus.FORMING, then=Value(1)),
        default=Value(2),
    )
    return list(
        scoped(actor, Cohort, need=NEED)
        .select_related("site", "facilitator")
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by(rank, "-born_from", "name")
    )


def members(actor: Actor, cohort: Cohort, *, open_only: bool = False) -> list[CohortMember]:
    rows = (
        scoped(actor, CohortMember, need=NEED)
        .filter(cohort=cohort)
        .select_related("child", "child__family")
        .order_by("left_on", "child__date_of_birth", "child__legal_family_name")
    )
    return list(rows.filter(left_on__isnull=True) if open_only else rows)


def sessions(actor: Actor, cohort: Cohort) -> list[Session]:
    return list(scoped(actor, Session, need=NEED).filter(cohort=cohort).order_by("starts_at"))


@dataclass(frozen=True)
class PlannedSession:
    """One Bright Futures visit of the series: the day suggested from the members' births, and
    the session when it is scheduled."""

    visit_key: str
    label: Any
    suggested_on: date | None
    inside_every_window: bool
    session: Session | None


def _windows(births: list[date], key: str, on: date) -> list[Window]:
    schedule = current_schedule(on)
    visit, applied = schedule.visit(key), current_rules()
    return [window_of(born, visit, schedule=schedule, rules=applied) for born in births]


def suggest_day(
    births: list[date], key: str, *, practice: Any, on: date, calendar: Any = None
) -> tuple[date, bool]:
    """A working day for the session of visit `key`: the middle baby's nominal age, moved into
    every member's window when the windows share a day (False when they do not: then the
    middle baby's window), then to the nearest working day of the practice inside it."""
    windows = _windows(sorted(births), key, on)
    middle = windows[len(windows) // 2]
    low, high = max(w.opens for w in windows), min(w.closes for w in windows)
    shared = low < high
    if not shared:
        low, high = middle.opens, middle.closes
    day = min(max(middle.nominal, low), date.fromordinal(high.toordinal() - 1))
    calendar = calendar or calendar_of(practice)
    for step in range(0, 15):
        later, earlier = day + timedelta(days=step), day - timedelta(days=step)
        for candidate in (later, earlier):
            if low <= candidate < high and calendar.is_business_day(candidate):
                return candidate, shared
    return day, shared


def plan_series(cohort: Cohort, births: list[date], scheduled: list[Session], *, on: date):
    """The cohort's series: each aligned visit with its suggested day and its session."""
    by_key = {s.visit_key: s for s in scheduled}
    births = births or [cohort.born_from, cohort.born_to]
    planned = []
    calendar = calendar_of(cohort.practice)
    for visit in rules.aligned_visits(on):
        day, shared = suggest_day(births, visit.key, practice=None, on=on, calendar=calendar)
        planned.append(PlannedSession(visit.key, visit.label, day, shared, by_key.get(visit.key)))
    return planned


@dataclass
class RosterRow:
    attendance: Attendance
    other_visits: list[Visit] = field(default_factory=list)
    mother: Caregiver | None = None
    previsit: str = ""  # "" (no link) | "sent" | "opened" | "done"
    screened: bool = False  # a caregiver depression screen submitted on the session's day

    @property
    def child(self) -> Any:
        return self.attendance.child


def roster(actor: Actor, session: Session) -> list[RosterRow]:
    """The session's children with what the roster links to. Four queries whatever the group's
    size: the attendances (child, visit, make-up), the caregivers, the pre-visit links and the
    screens of the day."""
    rows = [
        RosterRow(attendance)
        for attendance in scoped(actor, Attendance, need=NEED)
        .filter(session=session)
        .select_related("child", "visit", "makeup_visit", "other_visit")
        .order_by("child__date_of_birth", "child__legal_family_name", "pk")
    ]
    if not rows:
        return rows
    families = {row.child.family_id for row in rows}
    child_ids = [row.child.pk for row in rows]
    mothers: dict[UUID, Caregiver] = {}
    for caregiver in (
        scoped(actor, Caregiver, need=Capability.CHART_READ)
        .filter(family_id__in=families)
        .order_by("-is_birth_parent", "-is_primary_contact", "created_at")
    ):
        mothers.setdefault(caregiver.family_id, caregiver)
    day = clock.local_date(session.starts_at)
    links = {}
    for link in (
        scoped(actor, FamilyLink, need=Capability.CHART_READ)
        .filter(child_id__in=child_ids, purpose=Purpose.SCREENING, revoked_at__isnull=True)
        .order_by("created_at")
    ):
        links[link.child_id] = link  # the latest
    screens = list(
        scoped(actor, Administration, need=Capability.CHART_READ)
        .filter(child_id__in=child_ids)
        .exclude(status=Status.IN_PROGRESS)
        .filter(Q(link_id__in=[link.pk for link in links.values()]) | Q(administered_on=day))
        .values_list("child_id", "link_id", "instrument_key", "administered_on")
    )
    for row in rows:
        row.mother = mothers.get(row.child.family_id)
        sent = links.get(row.child.pk)
        if sent is not None:
            answered = any(s[0] == row.child.pk and s[1] == sent.pk for s in screens)
            row.previsit = "done" if answered else ("opened" if sent.last_opened_at else "sent")
        row.screened = any(
            s[0] == row.child.pk and s[2] in CAREGIVER_INSTRUMENTS and s[3] == day for s in screens
        )
    return rows


CAREGIVER_INSTRUMENTS = ("epds", "phq9", "phq2")


def caregiver_screen_at(visit_key: str, on: date) -> bool:
    """Whether the schedule's caregiver-depression row belongs to this visit (1–6 months)."""
    schedule = current_schedule(on)
    return visit_key in schedule.row_visits(schedule.row(CAREGIVER_ROW))


def other_visits_that_day(child_ids: list[UUID], day_start: Any, day_end: Any, *, skip=()):
    """Open visits of these children in [day_start, day_end), but the ones in `skip`."""
    return list(
        Visit.objects.filter(
            child_id__in=child_ids,
            starts_at__gte=day_start,
            starts_at__lt=day_end,
            status__in=(VisitStatus.SCHEDULED, VisitStatus.ARRIVED),
        )
        .exclude(pk__in=list(skip))
        .order_by("starts_at")
    )


def staff_of(actor: Actor) -> list[Any]:
    """The practice's active colleagues (a co-facilitator may be any of them), by name."""
    ids = Membership.objects.filter(practice=actor.practice, is_active=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name"))


def sites_of(actor: Actor) -> list[Site]:
    return list(Site.objects.filter(practice=actor.practice).order_by("name"))


def site_of(actor: Actor, site_id: UUID | None) -> Site | None:
    return Site.objects.filter(practice=actor.practice, pk=site_id).first() if site_id else None


def children_by_ids(actor: Actor, ids: list[UUID]) -> list[Child]:
    return list(scoped(actor, Child, need=NEED).filter(pk__in=ids).order_by("date_of_birth"))


def child_by_mrn(actor: Actor, mrn: str) -> Child | None:
    return scoped(actor, Child, need=NEED).filter(mrn=mrn).first() if mrn else None


def child_by_id(actor: Actor, child_id: UUID | None) -> Child | None:
    return scoped(actor, Child, need=NEED).filter(pk=child_id).first() if child_id else None
