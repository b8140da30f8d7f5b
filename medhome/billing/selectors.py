"""Reads for the billing summary, scoped to the actor's practice, a fixed number of queries for
any number of visits (the day's CSV reads the same facts as one visit's page)."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Q
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.careplan.models import CarePlan
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.events.models import CareEvent, EventKind, PatientClass
from medhome.events.services import EVENT_OBJECT
from medhome.messaging.models import CallOutcome, Message, MessageKind
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Site
from medhome.practices.scoping import scoped
from medhome.screening.models import Administration, Status
from medhome.tasks.kinds import TaskKind
from medhome.tasks.models import TaskOutcome
from medhome.tasks.selectors import done_for_sources
from medhome.visits.models import Visit
from medhome.visits.selectors import day_bounds, sites_of

from . import codes
from .summary import (
    ATTENDED,
    ESTABLISHED_YEARS,
    TCM_MODERATE_DAYS,
    Discharge,
    Facts,
    Summary,
    Viewer,
    summarize,
)

NEED = Capability.BILLING_READ


def access_visit(actor: Actor, visit_id: UUID) -> Visit:
    """One visit of the actor's practice for its billing summary (404 otherwise)."""
    rows = scoped(actor, Visit, need=NEED).select_related("child", "site", "clinician")
    try:
        return rows.get(pk=visit_id)
    except (Visit.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def access_site(actor: Actor, site_id: UUID | None) -> Site | None:
    """One of the practice's sites (another practice's is a 404), or None: every site."""
    if site_id is None:
        return None
    site = next((site for site in sites_of(actor) if site.pk == site_id), None)
    if site is None:
        raise Http404
    return site


def day_visits(actor: Actor, day: date, site: Site | None) -> list[Visit]:
    """The day's visits that took place (a telehealth visit has no site: it counts at every
    site, as on the day's list), in time order."""
    start, end = day_bounds(day)
    visits = scoped(actor, Visit, need=NEED).filter(
        starts_at__gte=start, starts_at__lt=end, status__in=ATTENDED
    )
    if site is not None:
        visits = visits.filter(Q(site=site) | Q(site__isnull=True))
    return list(visits.select_related("child", "site").order_by("starts_at", "pk"))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _discharge_moment(event: CareEvent) -> datetime | None:
    """When the child came home from a stay, or None for what is not a TCM discharge: an
    ED-only visit does not qualify (interop-codes §3.2, unverified §7 #8)."""
    if event.patient_class == PatientClass.EMERGENCY:
        return None
    if event.kind == EventKind.DISCHARGE:
        return event.ended_at or event.started_at
    if event.kind == EventKind.ADMISSION:
        return event.ended_at
    return None


def summaries(actor: Actor, visits: list[Visit]) -> list[Summary]:
    """Each visit's summary; about nine queries whatever the number of visits."""
    if not visits:
        return []
    days = {visit.pk: clock.local_date(visit.starts_at) for visit in visits}
    child_ids = {visit.child_id for visit in visits}
    first, last = min(days.values()), max(days.values())
    facts = {visit.pk: Facts(visit=visit) for visit in visits}

    screens: dict[tuple[object, date | None], list[Administration]] = defaultdict(list)
    for screen in (
        scoped(actor, Administration, need=NEED)
        .filter(
            child_id__in=child_ids,
            status=Status.SCORED,
            administered_on__gte=first,
            administered_on__lte=last,
            # The M-CHAT-R/F Follow-Up interview completes its screen: one instrument, one unit.
            follows__isnull=True,
        )
        .order_by("submitted_at", "pk")
    ):
        screens[(screen.child_id, screen.administered_on)].append(screen)

    # The child's other visits that took place, for "established" and "first after discharge".
    others: dict[object, list[tuple[object, date]]] = defaultdict(list)
    for pk, child_id, starts_at in (
        scoped(actor, Visit, need=NEED)
        .filter(
            child_id__in=child_ids,
            status__in=ATTENDED,
            starts_at__gte=day_bounds(_years_before(first, ESTABLISHED_YEARS))[0],
            starts_at__lt=day_bounds(last)[1],
        )
        .values_list("pk", "child_id", "starts_at")
    ):
        others[child_id].append((pk, clock.local_date(starts_at)))

    with_plan = set(
        scoped(actor, CarePlan, need=NEED)
        .filter(child_id__in=child_ids)
        .values_list("child_id", flat=True)
    )

    since = day_bounds(first - timedelta(days=TCM_MODERATE_DAYS + 1))[0]
    events = list(
        scoped(actor, CareEvent, need=NEED)
        .filter(
            child_id__in=child_ids,
            retracted=False,
            kind__in=[EventKind.DISCHARGE, EventKind.ADMISSION],
        )
        .filter(Q(ended_at__gte=since) | Q(ended_at__isnull=True, started_at__gte=since))
    )
    event_ids = [str(event.pk) for event in events]
    tasks_done = done_for_sources(
        actor,
        source_type=EVENT_OBJECT,
        source_ids=event_ids,
        kind=TaskKind.TRANSITION_FOLLOW_UP,
        # Transitional care needs an interactive contact (docs/clinical-rules.md#transitional-care).
        outcomes=(TaskOutcome.FAMILY_REACHED, TaskOutcome.DONE),
    )
    calls: dict[str, datetime] = {}
    for subject_id, called_at in (
        scoped(actor, Message, need=NEED)
        .filter(
            kind=MessageKind.DISCHARGE_CHECK_IN,
            subject_id__in=event_ids,
            call_outcome=CallOutcome.REACHED,
            called_at__isnull=False,
        )
        .order_by("called_at")
        .values_list("subject_id", "called_at")
    ):
        if called_at is not None:
            calls.setdefault(subject_id, called_at)
    discharges: dict[object, list[Discharge]] = defaultdict(list)
    for event in events:
        moment = _discharge_moment(event)
        if moment is None:
            continue
        task_at, call_at = tasks_done.get(str(event.pk)), calls.get(str(event.pk))
        # The earliest interactive contact after coming home: a call that reached the family,
        # or the follow-up task closed as done (which a person confirms was two-way).
        found = sorted(
            (at, by_phone)
            for at, by_phone in ((call_at, True), (task_at, False))
            if at is not None and at >= moment
        )
        contact, by_phone = found[0] if found else (None, False)
        discharges[event.child_id].append(Discharge(event.pk, moment, contact, by_phone))

    for visit in visits:
        day = days[visit.pk]
        fact = facts[visit.pk]
        fact.screens = screens.get((visit.child_id, day), [])
        earlier = _years_before(day, ESTABLISHED_YEARS)
        other_days = [d for pk, d in others[visit.child_id] if pk != visit.pk]
        fact.seen_before = any(earlier <= d < day for d in other_days)
        fact.attended_days = [d for d in other_days if d <= day]
        fact.has_care_plan = visit.child_id in with_plan
        fact.discharges = discharges.get(visit.child_id, [])

    calendar = calendar_of(actor.practice)
    viewer = Viewer(
        results=actor.can(Capability.SCREENING_RESULTS),
        confidential=actor.can(Capability.SCREENING_DETAIL),
    )
    payers, chw_payers = codes.g_code_payers(), codes.chw_cpt_payers()
    return [
        summarize(
            facts[visit.pk],
            calendar=calendar,
            viewer=viewer,
            g_code_payers=payers,
            chw_cpt_payers=chw_payers,
        )
        for visit in visits
    ]
