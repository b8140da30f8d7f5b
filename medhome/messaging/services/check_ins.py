"""The check-in after a hospital stay: a set-based sweep over the hospital events of the last few
days (docs/clinical-rules.md#hospital-events: contact the family within 2 business days of coming
home). events opens the staff's follow-up task; this plans the family's message beside it, one
per hospital visit (key `discharge_check_in:<care event id>`), from the child's care coordinator
by first name when the care team has one, else from "your child's care team". The text never
names the hospital, the stay or the reason.

Which events: a discharge; an admission or an ED visit once it has ended (the child is home:
the rule treats an ED visit as a transition like an admission, and an ED visit with no end yet
may still become an admission, whose own discharge then plans the check-in). Not: a retracted
event (A11/A13), a child off the panel, a child back in hospital (an admission still open), a
child who already got a check-in in the window, a child at or past `check_in_below_age`, and an
event whose 2 business days have passed (staff's task is the contact then).
"""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Q

from medhome.accounts.roles import Role
from medhome.careplan.models import CareTeamMember, MemberKind
from medhome.events.models import CareEvent, EventKind
from medhome.events.services import FOLLOW_UP_BUSINESS_DAYS
from medhome.families.models import Child, on_panel
from medhome.practices.calendar import Calendar, add_business_days, calendar_of
from medhome.practices.models import Practice

from ..models import Message, MessageKind
from ..rules import setting
from .outreach import Outreach, Planned, already_planned, plan_outreach, primary_contacts

# Far enough back for a weekend and a holiday before the sweep sees a discharge; the 2 business
# days (checked per event) decide what is still worth a message.
LOOKBACK = timedelta(days=5)
# An admission with no discharge for this long is taken as a lost discharge message, not as a
# child still in hospital (it would otherwise block every check-in of the child for ever).
OPEN_STAY_LIMIT = timedelta(days=30)
# Kinds whose end means the child went home.
ENDING_KINDS = (EventKind.DISCHARGE, EventKind.ADMISSION, EventKind.EMERGENCY)
SEARCH_DAYS = 14


def check_in_key(event_id: object) -> str:
    return f"{MessageKind.DISCHARGE_CHECK_IN}:{event_id}"


def home_at(event: CareEvent) -> datetime | None:
    """When the child came home, or None while they have not (an admission or ED visit with no
    end). A discharge entered by hand may carry only its date as the start."""
    if event.ended_at is not None:
        return event.ended_at
    return event.started_at if event.kind == EventKind.DISCHARGE else None


def deadline_of(home: datetime, calendar: Calendar) -> datetime:
    return add_business_days(home, FOLLOW_UP_BUSINESS_DAYS, calendar=calendar)


def check_in_moment(home: datetime, calendar: Calendar) -> datetime:
    """The first business day's check-in time at least check_in_after_hours after coming home:
    a family home on Friday evening hears from the practice on Monday morning."""
    earliest = (home + timedelta(hours=int(setting("check_in_after_hours")))).astimezone(
        calendar.zone
    )
    at_time = time.fromisoformat(setting("check_in_time"))
    day = earliest.date()
    for _ in range(SEARCH_DAYS):
        moment = datetime.combine(day, at_time, tzinfo=calendar.zone)
        if calendar.is_business_day(day) and moment >= earliest:
            return moment
        day += timedelta(days=1)
    return earliest  # a calendar with no business day: the rules of "when" still apply


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _events(practice: Practice, since: datetime, at: datetime, today: date) -> list[CareEvent]:
    return list(
        CareEvent.objects.filter(practice=practice, retracted=False, child__isnull=False)
        .filter(
            Q(kind__in=ENDING_KINDS, ended_at__gte=since, ended_at__lte=at)
            | Q(
                kind=EventKind.DISCHARGE,
                ended_at__isnull=True,
                started_at__gte=since,
                started_at__lte=at,
            )
        )
        .filter(on_panel(today, "child"))
        .select_related("child")
        .only(
            "pk",
            "kind",
            "started_at",
            "ended_at",
            "child__id",
            "child__family_id",
            "child__practice_id",
            "child__date_of_birth",
        )
        .order_by("pk")
    )


def _in_hospital(practice: Practice, child_ids: set[UUID], at: datetime) -> dict[UUID, datetime]:
    """Child id → the start of an admission still open (the latest). One query."""
    found: dict[UUID, datetime] = {}
    for child_id, started in CareEvent.objects.filter(
        practice=practice,
        child_id__in=child_ids,
        kind=EventKind.ADMISSION,
        retracted=False,
        ended_at__isnull=True,
        started_at__lte=at,
        started_at__gte=at - OPEN_STAY_LIMIT,
    ).values_list("child_id", "started_at"):
        found[child_id] = max(started, found.get(child_id, started))
    return found


def _checked_in(practice: Practice, child_ids: set[UUID], since: datetime) -> set[UUID]:
    """Children who already have a check-in planned since `since`. One query."""
    return set(
        Message.objects.filter(
            practice=practice,
            kind=MessageKind.DISCHARGE_CHECK_IN,
            child_id__in=child_ids,
            created_at__gte=since,
        ).values_list("child_id", flat=True)
    )


def coordinators(practice: Practice, child_ids: set[UUID]) -> dict[UUID, str]:
    """Child id → the first name of the care coordinator on the child's care team (the lead
    first), for the text's "this is …". A staff member counts when their role in this practice
    is care coordinator; a member without a first name is passed over. One query."""
    found: dict[UUID, str] = {}
    rows = (
        CareTeamMember.objects.filter(
            practice=practice,
            child_id__in=child_ids,
            kind=MemberKind.STAFF,
            is_active=True,
            user__is_active=True,
            user__memberships__practice=practice,
            user__memberships__role=Role.CARE_COORDINATOR,
            user__memberships__is_active=True,
        )
        .exclude(user__first_name="")
        .order_by("child_id", "-is_lead_coordinator", "created_at", "pk")
        .values_list("child_id", "user__first_name")
    )
    for child_id, first_name in rows:
        found.setdefault(child_id, first_name.strip())
    return found


def plan_discharge_check_ins(*, practice: Practice, at: datetime) -> Planned:
    """Plan the check-ins for this practice's hospital events of the last days. Running it again
    plans nothing twice (the key is the care event)."""
    calendar = calendar_of(practice)
    today = at.astimezone(calendar.zone).date()
    # The latest homecoming first (sorted here: databases put a missing end differently).
    events = sorted(
        _events(practice, at - LOOKBACK, at, today),
        key=lambda e: home_at(e) or e.started_at,
        reverse=True,
    )
    existing = already_planned(practice, (check_in_key(e.pk) for e in events))
    child_ids = {e.child_id for e in events if e.child_id is not None}
    in_hospital = _in_hospital(practice, child_ids, at)
    checked = _checked_in(practice, child_ids, at - LOOKBACK)
    chosen: dict[UUID, tuple[CareEvent, Child, datetime]] = {}
    for event in events:
        home = home_at(event)
        child = event.child
        if home is None or child is None or check_in_key(event.pk) in existing:
            continue
        if child.pk in checked or child.pk in chosen:
            continue  # one check-in per child in the window: the latest stay's
        if deadline_of(home, calendar) <= at:
            continue
        if age_on(child.date_of_birth, home.astimezone(calendar.zone).date()) >= int(
            setting("check_in_below_age")
        ):
            continue
        admitted = in_hospital.get(child.pk)
        if admitted is not None and admitted >= home - timedelta(days=1):
            continue  # back in (or moved on to) hospital: that stay's discharge plans it
        chosen[child.pk] = (event, child, home)
    if not chosen:
        return Planned(0, 0)
    contacts = primary_contacts({child.family_id for _event, child, _home in chosen.values()})
    senders = coordinators(practice, set(chosen))
    items: list[Outreach] = []
    for child_id, (event, child, home) in chosen.items():
        caregiver = contacts.get(child.family_id)
        if caregiver is None:
            continue
        sender = senders.get(child_id, "")
        items.append(
            Outreach(
                key=check_in_key(event.pk),
                kind=MessageKind.DISCHARGE_CHECK_IN,
                caregiver=caregiver,
                child=child,
                desired=max(at, check_in_moment(home, calendar)),
                variant="named" if sender else "team",
                values={"sender": sender} if sender else {},
                subject_id=str(event.pk),
            )
        )
    return plan_outreach(practice=practice, items=items, at=at)


def plan_all_discharge_check_ins(*, at: datetime) -> int:
    """The periodic job: every practice's check-ins."""
    return sum(
        plan_discharge_check_ins(practice=practice, at=at).created
        for practice in Practice.objects.order_by("pk")
    )


def why_not_check_in(message: Message, at: datetime) -> str:
    """The last-moment check: the stay was retracted (A11/A13) or its discharge cancelled, or
    the 2 business days have passed ("" when the check-in should still go)."""
    event = (
        CareEvent.objects.filter(
            practice_id=message.practice_id, pk=message.subject_id, child_id=message.child_id
        ).first()
        if message.subject_id and message.child_id is not None
        else None
    )
    if event is None or event.retracted:
        return "event_retracted"
    home = home_at(event)
    if home is None:
        return "event_retracted"
    if deadline_of(home, calendar_of(message.practice)) <= at:
        return "too_late"
    return ""
