"""Writes of group well-child care: forming a cohort, its members joining and going back to
individual visits, scheduling a session (a group well-child visit booked per member through the
visits app's own booking); the session's day — attended, missed, a make-up visit — is in
attendance.py. Each use case is one transaction: a refusal saves nothing
(docs/clinical-rules.md#group-care)."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import ROLE_CAPABILITIES, Capability
from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Membership, Site
from medhome.visits import booking
from medhome.visits.models import CancelReason, Modality, Visit, VisitKind, VisitStatus

from . import rules
from .models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortMember,
    CohortStatus,
    DoubleBooking,
    LeftReason,
    Session,
)

COHORT_OBJECT = "cohort"
MEMBER_OBJECT = "cohort_member"
SESSION_OBJECT = "group_session"
ATTENDANCE_OBJECT = "attendance"
TOPIC_MAX, TOPICS_MAX = 200, 20


def _require(actor: Actor, practice_id: object) -> None:
    if not actor.can(Capability.GROUPCARE_RUN) or actor.practice_id != practice_id:
        raise PermissionDenied(_("You cannot run group well-child care in this practice."))


def _who(child: Child) -> str:
    return f"{child.display_name} {child.legal_family_name}"


# --- cohorts and members ----------------------------------------------------------------------


def _staff_errors(
    practice_id: UUID, facilitator_id: Any, co_facilitator_id: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    roles = dict(
        Membership.objects.filter(
            practice_id=practice_id,
            is_active=True,
            user__is_active=True,
            user_id__in=[u for u in (facilitator_id, co_facilitator_id) if u],
        ).values_list("user_id", "role")
    )
    # The facilitator sees each child: a role of the clinical team (groupcare.run).
    role = roles.get(_as_int(facilitator_id) or 0)
    if role is None or Capability.GROUPCARE_RUN not in ROLE_CAPABILITIES.get(role, ()):
        errors["facilitator"] = [_("Choose a clinician of this practice to facilitate.")]
    if co_facilitator_id:
        if _as_int(co_facilitator_id) not in roles:
            errors["co_facilitator"] = [_("Choose a colleague of this practice.")]
        elif _as_int(co_facilitator_id) == _as_int(facilitator_id):
            errors["co_facilitator"] = [_("The co-facilitator is another person.")]
    return errors


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _range_error(child: Child, cohort: Cohort) -> str:
    if cohort.born_from <= child.date_of_birth <= cohort.born_to:
        return ""
    return _(
        "%(child)s was born on %(born)s, outside this group's births (%(first)s to %(last)s)."
    ) % {
        "child": _who(child),
        "born": child.date_of_birth.strftime("%m/%d/%Y"),
        "first": cohort.born_from.strftime("%m/%d/%Y"),
        "last": cohort.born_to.strftime("%m/%d/%Y"),
    }


def form_cohort(
    *,
    actor: Actor,
    name: str,
    site: Site | None,
    language: str,
    born_from: date | None,
    born_to: date | None,
    facilitator_id: Any,
    co_facilitator_id: Any = None,
    children: Iterable[Child] = (),
    at: datetime,
) -> Cohort:
    """A new group, forming, with its first members (from a proposal, or none: added by hand)."""
    _require(actor, actor.practice_id)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the group a name families will recognise.")]
    if site is None or site.practice_id != actor.practice_id:
        errors["site"] = [_("Choose one of this practice's sites.")]
    if not language.strip():
        errors["language"] = [_("Choose the group's language.")]
    if born_from is None or born_to is None:
        errors["born_from"] = [_("Give the first and last birth dates of the group's babies.")]
    elif born_from > born_to:
        errors["born_from"] = [_("The first birth date comes before the last one.")]
    elif (born_to - born_from).days > rules.setting("birth_span_days"):
        errors["born_to"] = [
            _("A group's babies are born within %(days)d days of each other.")
            % {"days": rules.setting("birth_span_days")}
        ]
    errors.update(_staff_errors(actor.practice_id, facilitator_id, co_facilitator_id))
    if errors:
        raise ValidationError(errors)
    assert born_from is not None and born_to is not None and site is not None
    with transaction.atomic():
        cohort = Cohort.objects.create(
            practice=actor.practice,
            site=site,
            language=language.strip(),
            name=name.strip(),
            born_from=born_from,
            born_to=born_to,
            facilitator_id=facilitator_id,
            co_facilitator_id=co_facilitator_id or None,
            status=CohortStatus.FORMING,
            created_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=COHORT_OBJECT,
            object_id=cohort.pk,
            at=at,
            detail={"fields": ["name", "site", "language", "born_from", "born_to"]},
        )
        for child in children:
            add_member(actor=actor, cohort=cohort, child=child, at=at)
    return cohort


def add_member(*, actor: Actor, cohort: Cohort, child: Child, at: datetime) -> CohortMember:
    """The child joins the group: born within its range, in no other group, the group open."""
    _require(actor, cohort.practice_id)
    if child.practice_id != cohort.practice_id:
        raise ValidationError({"child": [_("The child is not this practice's.")]})
    if cohort.status == CohortStatus.CLOSED:
        raise ValidationError({"child": [_("This group is closed.")]})
    problem = _range_error(child, cohort)
    if problem:
        raise ValidationError({"child": [problem]})
    try:
        with transaction.atomic():
            member = CohortMember.objects.create(
                practice=cohort.practice, cohort=cohort, child=child, joined_on=clock.local_date(at)
            )
            record(
                actor=actor,
                action=Action.CREATE,
                object_type=MEMBER_OBJECT,
                object_id=member.pk,
                at=at,
                detail={"child": str(child.pk), "cohort": str(cohort.pk)},
            )
    except IntegrityError as taken:
        raise ValidationError(
            {"child": [_("%(child)s is already in a group.") % {"child": _who(child)}]}
        ) from taken
    return member


def leave(*, actor: Actor, member: CohortMember, reason: str, at: datetime) -> CohortMember:
    """The family goes back to individual visits (or leaves): the membership ends today and the
    child's group visits still to come are cancelled (visits' own cancel), their attendances
    marked not in the session. Any time, whatever has happened before."""
    _require(actor, member.practice_id)
    if reason not in LeftReason.values:
        raise ValidationError({"reason": [_("Choose why the family leaves the group.")]})
    with transaction.atomic():
        current = CohortMember.objects.select_for_update().get(pk=member.pk)
        if current.left_on is not None:
            raise ValidationError({"reason": [_("The family has already left this group.")]})
        current.left_on = clock.local_date(at)
        current.left_reason = reason
        current.save(update_fields=["left_on", "left_reason"])
        ahead = (
            Attendance.objects.filter(
                session__cohort_id=current.cohort_id,
                child_id=current.child_id,
                status=AttendanceStatus.BOOKED,
                visit__status=VisitStatus.SCHEDULED,
                visit__starts_at__gte=at,
            )
            .select_related("visit", "visit__child", "visit__practice")
            .order_by("session__starts_at")
        )
        for attendance in ahead:
            assert attendance.visit is not None
            booking.cancel_visit(
                actor=actor, visit=attendance.visit, reason=CancelReason.FAMILY_ASKED, at=at
            )
            attendance.status = AttendanceStatus.LEFT_OUT
            attendance.updated_at = at
            attendance.save(update_fields=["status", "updated_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=MEMBER_OBJECT,
            object_id=current.pk,
            at=at,
            detail={"child": str(current.child_id), "fields": ["left_on", "left_reason"]},
        )
    return current


def set_status(*, actor: Actor, cohort: Cohort, status: str, at: datetime) -> Cohort:
    _require(actor, cohort.practice_id)
    if status not in CohortStatus.values:
        raise ValidationError({"status": [_("Choose forming, running or closed.")]})
    if cohort.status != status:
        cohort.status = status
        cohort.save(update_fields=["status"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type=COHORT_OBJECT,
            object_id=cohort.pk,
            at=at,
            detail={"fields": ["status"], "status": status},
        )
    return cohort


# --- sessions ---------------------------------------------------------------------------------


def clean_topics(text: str | Iterable[str]) -> list[str]:
    lines = text.splitlines() if isinstance(text, str) else list(text)
    return [line.strip() for line in lines if line.strip()]


def _session_errors(
    cohort: Cohort,
    *,
    visit_key: str,
    starts_at: datetime | None,
    minutes: int | None,
    place: str,
    video_link: str,
    topics: list[str],
    first_birth: date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    on = clock.local_date(starts_at) if starts_at else first_birth
    if visit_key not in rules.aligned_keys(on):
        errors["visit_key"] = [_("Choose one of the well-child visits the group follows.")]
    elif Session.objects.filter(cohort=cohort, visit_key=visit_key).exists():
        errors["visit_key"] = [_("This visit's session is already scheduled for the group.")]
    if starts_at is None:
        errors["starts_at"] = [_("Give the session's day and time.")]
    elif clock.local_date(starts_at) < first_birth:
        errors["starts_at"] = [
            _("A session cannot be before the group's first baby was born (%(day)s).")
            % {"day": first_birth.strftime("%m/%d/%Y")}
        ]
    if minutes is None or not booking.MIN_MINUTES <= minutes <= booking.MAX_MINUTES:
        errors["duration_minutes"] = [
            _("A session lasts between %(low)d and %(high)d minutes.")
            % {"low": booking.MIN_MINUTES, "high": booking.MAX_MINUTES}
        ]
    if bool(place.strip()) == bool(video_link.strip()):
        errors["place"] = [_("Give the room where the group meets, or a video link — one of them.")]
    elif video_link.strip() and not video_link.strip().startswith("https://"):
        errors["video_link"] = [_("A video link starts with https://.")]
    if len(topics) > TOPICS_MAX or any(len(t) > TOPIC_MAX for t in topics):
        errors["topics"] = [
            _("Up to %(n)d topics of up to %(chars)d characters each.")
            % {"n": TOPICS_MAX, "chars": TOPIC_MAX}
        ]
    return errors


def first_birth(cohort: Cohort) -> date:
    """The earliest birth of the group's members (any, past ones included), else its range."""
    births = CohortMember.objects.filter(cohort=cohort).values_list(
        "child__date_of_birth", flat=True
    )
    return min(births, default=cohort.born_from)


def _day_bounds(session: Session) -> tuple[datetime, datetime]:
    zone = calendar_of(session.cohort.practice).zone
    local = session.starts_at.astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


class DoubleBooked(ValidationError):
    """Children with another visit on the session's day and no choice made yet."""

    def __init__(self, clashes: list[tuple[Child, Visit]]):
        self.clashes = clashes
        super().__init__(
            {
                "double_booking": [
                    _(
                        "%(child)s already has a visit that day at %(time)s. Choose: keep both, "
                        "cancel the other visit, or leave the child out of this session."
                    )
                    % {"child": _who(child), "time": _local_time(visit)}
                    for child, visit in clashes
                ]
            }
        )


def _local_time(visit: Visit) -> str:
    return visit.starts_at.astimezone(calendar_of(visit.practice).zone).strftime("%H:%M")


def schedule_session(
    *,
    actor: Actor,
    cohort: Cohort,
    visit_key: str,
    starts_at: datetime | None,
    duration_minutes: int | None,
    place: str = "",
    video_link: str = "",
    topics: Iterable[str] = (),
    choices: Mapping[str, str] | None = None,
    at: datetime,
) -> Session:
    """The session of one Bright Futures visit, and a group well-child visit booked for each
    member (the facilitating clinician, the group's site, in person or by video). A member with
    another visit that day needs a choice (`choices`: child id → DoubleBooking); without one
    DoubleBooked is raised and nothing is saved."""
    _require(actor, cohort.practice_id)
    if cohort.status == CohortStatus.CLOSED:
        raise ValidationError({"visit_key": [_("This group is closed.")]})
    topic_list = clean_topics(topics)
    errors = _session_errors(
        cohort,
        visit_key=visit_key,
        starts_at=starts_at,
        minutes=duration_minutes,
        place=place,
        video_link=video_link,
        topics=topic_list,
        first_birth=first_birth(cohort),
    )
    if errors:
        raise ValidationError(errors)
    assert starts_at is not None and duration_minutes is not None
    with transaction.atomic():
        session = Session.objects.create(
            practice=cohort.practice,
            cohort=cohort,
            visit_key=visit_key,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            place=place.strip(),
            video_link=video_link.strip(),
            topics=topic_list,
            created_at=at,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            object_type=SESSION_OBJECT,
            object_id=session.pk,
            at=at,
            detail={"cohort": str(cohort.pk), "visit": visit_key},
        )
        children = [
            m.child
            for m in CohortMember.objects.filter(cohort=cohort, left_on__isnull=True)
            .select_related("child", "child__practice")
            .order_by("child__date_of_birth", "pk")
        ]
        book_children(actor=actor, session=session, children=children, choices=choices, at=at)
        if cohort.status == CohortStatus.FORMING:
            cohort.status = CohortStatus.RUNNING
            cohort.save(update_fields=["status"])
    return session


def book_children(
    *,
    actor: Actor,
    session: Session,
    children: list[Child],
    choices: Mapping[str, str] | None = None,
    at: datetime,
) -> list[Attendance]:
    """Book each child into the session (a GROUP visit and its attendance), applying the
    double-booking choice where the child has another visit that day. All or nothing."""
    _require(actor, session.practice_id)
    choices = choices or {}
    start, end = _day_bounds(session)
    others: dict[UUID, Visit] = {}
    for that_day in (
        Visit.objects.filter(
            child_id__in=[c.pk for c in children],
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=booking.HOLDS_TIME,
        )
        .select_related("practice")
        .order_by("starts_at")
    ):
        others.setdefault(that_day.child_id, that_day)
    clashes = [
        (child, others[child.pk])
        for child in children
        if child.pk in others and choices.get(str(child.pk)) not in DoubleBooking.values
    ]
    if clashes:
        raise DoubleBooked(clashes)
    made = []
    with transaction.atomic():
        for child in children:
            other = others.get(child.pk)
            choice = choices.get(str(child.pk), "") if other else ""
            visit: Visit | None = None
            if choice == DoubleBooking.CANCEL_INDIVIDUAL:
                assert other is not None
                booking.cancel_visit(
                    actor=actor, visit=other, reason=CancelReason.FAMILY_REBOOKED, at=at
                )
            if choice != DoubleBooking.LEAVE_OUT:
                visit = _book_group_visit(actor, session, child, at)
            attendance = Attendance.objects.create(
                practice=session.practice,
                session=session,
                child=child,
                visit=visit,
                status=AttendanceStatus.LEFT_OUT
                if choice == DoubleBooking.LEAVE_OUT
                else AttendanceStatus.BOOKED,
                other_visit=other,
                double_booking=choice,
                updated_at=at,
            )
            made.append(attendance)
        record_many(
            actor=actor,
            entries=[
                Entry(
                    Action.CREATE,
                    ATTENDANCE_OBJECT,
                    a.pk,
                    {"child": str(a.child_id), "session": str(session.pk)}
                    | ({"double_booking": a.double_booking} if a.double_booking else {}),
                )
                for a in made
            ],
            at=at,
            practice=session.practice,
        )
    return made


def _book_group_visit(actor: Actor, session: Session, child: Child, at: datetime) -> Visit:
    cohort = session.cohort
    try:
        return booking.book_visit(
            actor=actor,
            child=child,
            site=cohort.site,
            clinician_id=cohort.facilitator_id,
            starts_at=session.starts_at,
            kind=VisitKind.GROUP,
            modality=Modality.VIDEO if session.video_link else Modality.IN_PERSON,
            duration_minutes=session.duration_minutes,
            at=at,
        )
    except ValidationError as refused:
        # The visit's own words, said of this child: the whole session is refused.
        raise ValidationError(
            {
                "starts_at": [
                    _("%(child)s: %(problem)s") % {"child": _who(child), "problem": message}
                    for message in refused.messages
                ]
            }
        ) from refused


def book_member(
    *, actor: Actor, session: Session, child: Child, choice: str = "", at: datetime
) -> Attendance:
    """A member who joined after the session was scheduled, booked into it."""
    _require(actor, session.practice_id)
    if not CohortMember.objects.filter(
        cohort_id=session.cohort_id, child=child, left_on__isnull=True
    ).exists():
        raise ValidationError({"child": [_("The child is not in this group.")]})
    if Attendance.objects.filter(session=session, child=child).exists():
        raise ValidationError({"child": [_("The child is already booked in this session.")]})
    choices = {str(child.pk): choice} if choice else {}
    (attendance,) = book_children(
        actor=actor, session=session, children=[child], choices=choices, at=at
    )
    return attendance


# --- reads the pages audit --------------------------------------------------------------------


def record_children_read(*, actor: Actor, child_ids: list[Any], via: str, at: datetime) -> int:
    """A cohort's or a session's page shows each child's name, birth and visits: one read of each
    child's record, the chart's object type, in one append — never the names."""
    entries = [
        Entry(action=Action.VIEW, object_type="child", object_id=child_id, detail={"via": via})
        for child_id in dict.fromkeys(child_ids)
    ]
    with transaction.atomic():
        return record_many(actor=actor, entries=entries, at=at)
