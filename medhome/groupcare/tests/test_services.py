"""Cohorts, members, sessions and the session's day, through the services: each allowed and
refused change, each message, nothing half-saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.groupcare import attendance, services
from medhome.groupcare.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortMember,
    CohortStatus,
    DoubleBooking,
    Session,
)
from medhome.periodicity.models import RowCompletion
from medhome.visits import booking
from medhome.visits.models import Visit, VisitKind, VisitStatus
from tests import factories

from .support import AFTER, FIRST_BIRTH, NOW, SESSION, baby, schedule

pytestmark = pytest.mark.django_db


def test_forming_a_cohort_adds_its_members_and_audits(cohort, babies):
    assert cohort.status == CohortStatus.FORMING
    assert set(cohort.members.values_list("child_id", flat=True)) == {b.pk for b in babies}
    assert AuditEvent.objects.filter(object_type="cohort_member").count() == 6


def test_forming_refuses_bad_input_with_messages(runner, site_a, clinician_a, staff_a):
    with pytest.raises(ValidationError) as refused:
        services.form_cohort(
            actor=runner,
            name=" ",
            site=None,
            language="",
            born_from=date(2026, 9, 1),
            born_to=date(2026, 12, 1),
            facilitator_id=staff_a[Role.FRONT_DESK].pk,
            co_facilitator_id=clinician_a.pk,
            at=NOW,
        )
    assert refused.value.message_dict == {
        "name": ["Give the group a name families will recognise."],
        "site": ["Choose one of this practice's sites."],
        "language": ["Choose the group's language."],
        "born_to": ["A group's babies are born within 42 days of each other."],
        "facilitator": ["Choose a clinician of this practice to facilitate."],
    }
    assert Cohort.objects.count() == 0


def test_a_child_born_outside_the_range_is_refused(runner, cohort, practice_a):
    late = baby(practice_a, 40, born=date(2026, 10, 20))

    with pytest.raises(ValidationError) as refused:
        services.add_member(actor=runner, cohort=cohort, child=late, at=NOW)

    assert refused.value.messages == [
        "Bebe40 Apellido40 was born on 10/20/2026, outside this group's births "
        "(09/01/2026 to 09/21/2026)."
    ]
    assert not CohortMember.objects.filter(child=late).exists()


def test_a_child_is_in_one_group_at_a_time(runner, cohort, site_a, clinician_a, babies):
    other = services.form_cohort(
        actor=runner,
        name="Otro grupo",
        site=site_a,
        language="es",
        born_from=FIRST_BIRTH,
        born_to=FIRST_BIRTH + timedelta(days=10),
        facilitator_id=clinician_a.pk,
        at=NOW,
    )
    with pytest.raises(ValidationError) as refused:
        services.add_member(actor=runner, cohort=other, child=babies[0], at=NOW)

    assert refused.value.messages == ["Bebe0 Apellido0 is already in a group."]
    assert other.members.count() == 0


def test_a_role_without_groupcare_run_is_refused(cohort, practice_a, staff_a, babies):
    desk = factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)

    with pytest.raises(PermissionDenied):
        schedule(desk, cohort)
    assert Session.objects.count() == 0


def test_scheduling_books_a_group_visit_per_member_with_the_facilitator(
    runner, cohort, clinician_a, site_a
):
    session = schedule(runner, cohort)

    visits = Visit.objects.filter(kind=VisitKind.GROUP)
    assert visits.count() == 6
    assert {(v.clinician_id, v.site_id, v.starts_at, v.modality, v.status) for v in visits} == {
        (clinician_a.pk, site_a.pk, SESSION, "in_person", VisitStatus.SCHEDULED)
    }
    assert session.topics == ["Sleep", "Feeding"]
    assert Attendance.objects.filter(session=session, status="booked").count() == 6
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RUNNING


def test_a_video_session_books_video_visits(runner, cohort):
    schedule(runner, cohort, place="", video_link="https://video.example.org/grupo")

    assert set(Visit.objects.values_list("modality", flat=True)) == {"video"}


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"starts_at": SESSION.replace(year=2026, month=8, day=31)},
            "starts_at",
            "A session cannot be before the group's first baby was born (09/01/2026).",
        ),
        (
            {"visit_key": "5y"},
            "visit_key",
            "Choose one of the well-child visits the group follows.",
        ),
        (
            {"place": ""},
            "place",
            "Give the room where the group meets, or a video link — one of them.",
        ),
        (
            {"video_link": "https://v.example.org/x"},
            "place",
            "Give the room where the group meets, or a video link — one of them.",
        ),
        (
            {"place": "", "video_link": "http://v.example.org/x"},
            "video_link",
            "A video link starts with https://.",
        ),
        (
            {"duration_minutes": 300},
            "duration_minutes",
            "A session lasts between 5 and 240 minutes.",
        ),
    ],
)
def test_a_bad_session_is_refused_and_nothing_is_booked(runner, cohort, extra, field, message):
    with pytest.raises(ValidationError) as refused:
        schedule(runner, cohort, **extra)

    assert refused.value.message_dict[field] == [message]
    assert (Session.objects.count(), Visit.objects.count()) == (0, 0)


def test_one_session_per_visit(runner, cohort):
    schedule(runner, cohort)
    with pytest.raises(ValidationError) as refused:
        schedule(runner, cohort, starts_at=SESSION + timedelta(days=1))
    assert refused.value.messages == ["This visit's session is already scheduled for the group."]


def test_a_session_the_visits_app_refuses_saves_nothing(runner, cohort):
    saturday = SESSION - timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        schedule(runner, cohort, starts_at=saturday)

    assert refused.value.messages[0] == (
        "Bebe0 Apellido0: The practice is closed on that day of the week. Choose another day."
    )
    assert (Session.objects.count(), Visit.objects.count(), Attendance.objects.count()) == (0, 0, 0)


@pytest.fixture
def individual(runner, babies, site_a, staff_a):
    """Baby 2 already has an individual well-child visit on the session's day."""
    return booking.book_visit(
        actor=runner,
        child=babies[2],
        site=site_a,
        clinician_id=staff_a[Role.NURSE_PRACTITIONER].pk,
        starts_at=SESSION + timedelta(hours=4),
        kind=VisitKind.WELL_CHILD,
        modality="in_person",
        duration_minutes=20,
        at=NOW,
    )


def test_double_booking_warns_and_saves_nothing_without_a_choice(runner, cohort, individual):
    with pytest.raises(services.DoubleBooked) as refused:
        schedule(runner, cohort)

    assert refused.value.messages == [
        "Bebe2 Apellido2 already has a visit that day at 14:00. Choose: keep both, cancel the "
        "other visit, or leave the child out of this session."
    ]
    assert [c.pk for c, _v in refused.value.clashes] == [individual.child_id]
    assert (Session.objects.count(), Visit.objects.count()) == (0, 1)


@pytest.mark.parametrize(
    ("choice", "other_status", "attendance", "group_visit"),
    [
        (DoubleBooking.KEEP_BOTH, VisitStatus.SCHEDULED, AttendanceStatus.BOOKED, True),
        (DoubleBooking.CANCEL_INDIVIDUAL, VisitStatus.CANCELLED, AttendanceStatus.BOOKED, True),
        (DoubleBooking.LEAVE_OUT, VisitStatus.SCHEDULED, AttendanceStatus.LEFT_OUT, False),
    ],
)
def test_the_double_booking_choice_is_applied_and_recorded(
    runner, cohort, individual, choice, other_status, attendance, group_visit
):
    session = schedule(runner, cohort, choices={str(individual.child_id): choice})

    row = Attendance.objects.get(session=session, child=individual.child)
    individual.refresh_from_db()
    assert (row.double_booking, row.other_visit_id, row.status) == (
        choice,
        individual.pk,
        attendance,
    )
    assert individual.status == other_status
    assert (row.visit_id is not None) == group_visit
    assert Attendance.objects.filter(session=session).exclude(double_booking="").count() == 1


def test_attending_completes_the_visit_and_its_schedule_row(runner, cohort):
    session = schedule(runner, cohort)
    row = session.attendances.select_related("visit", "child").first()

    attendance.mark_attended(actor=runner, attendance=row, at=AFTER)

    row.visit.refresh_from_db()
    assert (row.status, row.visit.status) == (AttendanceStatus.ATTENDED, VisitStatus.COMPLETED)
    assert RowCompletion.objects.filter(
        child=row.child, row="preventive_visit", visit_key="2mo", source_id=row.visit.pk
    ).exists()


def test_a_session_not_started_cannot_be_marked(runner, cohort):
    session = schedule(runner, cohort)
    row = session.attendances.select_related("visit").first()

    with pytest.raises(ValidationError) as refused:
        attendance.mark_attended(actor=runner, attendance=row, at=NOW)

    assert refused.value.messages == ["The session has not started yet."]
    row.visit.refresh_from_db()
    assert row.visit.status == VisitStatus.SCHEDULED


def test_missed_then_a_make_up_visit(runner, cohort, clinician_a):
    session = schedule(runner, cohort)
    row = session.attendances.select_related("visit", "child", "session__cohort").first()

    attendance.mark_missed(actor=runner, attendance=row, at=AFTER)
    with pytest.raises(ValidationError) as twice:
        attendance.mark_attended(actor=runner, attendance=row, at=AFTER)
    makeup = attendance.book_makeup(
        actor=runner,
        attendance=row,
        starts_at=SESSION + timedelta(days=3, hours=1),
        clinician_id=clinician_a.pk,
        at=AFTER,
    )

    row.refresh_from_db()
    assert twice.value.messages == ["The child's attendance is already “Missed”."]
    assert row.visit.status == VisitStatus.NO_SHOW
    assert (row.status, row.makeup_visit_id) == (AttendanceStatus.MISSED, makeup.pk)
    assert (makeup.kind, makeup.child_id) == (VisitKind.WELL_CHILD, row.child_id)
    with pytest.raises(ValidationError) as again:
        attendance.book_makeup(
            actor=runner,
            attendance=row,
            starts_at=SESSION + timedelta(days=4),
            clinician_id=clinician_a.pk,
            at=AFTER,
        )
    assert again.value.messages == ["A make-up visit is already booked."]


def test_only_a_missed_session_is_made_up(runner, cohort, clinician_a):
    row = schedule(runner, cohort).attendances.first()
    with pytest.raises(ValidationError) as refused:
        attendance.book_makeup(
            actor=runner, attendance=row, starts_at=SESSION, clinician_id=clinician_a.pk, at=NOW
        )
    assert refused.value.messages == ["Only a missed session is made up."]


def test_switching_back_cancels_the_future_group_visits(runner, cohort, babies):
    first = schedule(runner, cohort)
    second = schedule(
        runner, cohort, visit_key="4mo", starts_at=SESSION + timedelta(days=56), place="Room 2"
    )
    member = CohortMember.objects.get(cohort=cohort, child=babies[0])
    done = first.attendances.select_related("visit").get(child=babies[0])
    attendance.mark_attended(actor=runner, attendance=done, at=AFTER)

    services.leave(actor=runner, member=member, reason="individual", at=AFTER)

    member.refresh_from_db()
    future = second.attendances.select_related("visit").get(child=babies[0])
    assert (member.left_on, member.left_reason) == (AFTER.date(), "individual")
    assert future.status == AttendanceStatus.LEFT_OUT
    assert (future.visit.status, future.visit.cancel_reason) == ("cancelled", "family_asked")
    done.visit.refresh_from_db()
    assert done.visit.status == VisitStatus.COMPLETED  # the past stays true
    with pytest.raises(ValidationError) as twice:
        services.leave(actor=runner, member=member, reason="individual", at=AFTER)
    assert twice.value.messages == ["The family has already left this group."]


def test_leaving_needs_a_reason(runner, cohort, babies):
    member = CohortMember.objects.get(cohort=cohort, child=babies[0])
    with pytest.raises(ValidationError) as refused:
        services.leave(actor=runner, member=member, reason="bored", at=NOW)
    assert refused.value.messages == ["Choose why the family leaves the group."]


def test_a_member_who_joins_later_is_booked_into_a_session(runner, cohort, practice_a):
    session = schedule(runner, cohort)
    late = baby(practice_a, 10)
    services.add_member(actor=runner, cohort=cohort, child=late, at=NOW)

    row = services.book_member(actor=runner, session=session, child=late, at=NOW)

    assert row.visit.kind == VisitKind.GROUP and row.visit.starts_at == SESSION
    with pytest.raises(ValidationError) as twice:
        services.book_member(actor=runner, session=session, child=late, at=NOW)
    assert twice.value.messages == ["The child is already booked in this session."]
