"""Booking, moving and the visit's day: the transition table, the calendar, double-booking."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.practices.models import PracticeCalendar, Site
from medhome.visits import booking
from medhome.visits.models import Visit, VisitStatus
from tests import factories

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)  # a Friday
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
S = VisitStatus


@pytest.fixture
def site_a(practice_a):
    return Site.objects.create(practice=practice_a, name="Main Street", zip_code="02128")


@pytest.fixture
def desk(practice_a, staff_a):
    return factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)


def book(desk, child, site, clinician, starts_at=MONDAY_9, **extra):
    values = {
        "kind": "well_child",
        "modality": "in_person",
        "duration_minutes": 20,
        **extra,
    }
    return booking.book_visit(
        actor=desk,
        child=child,
        site=site,
        clinician_id=clinician.pk if clinician else None,
        starts_at=starts_at,
        at=NOW,
        **values,
    )


def test_booking_creates_a_booked_visit_and_audits_it(desk, child_a, site_a, clinician_a):
    visit = book(desk, child_a, site_a, clinician_a)

    assert visit.status == S.SCHEDULED and visit.get_status_display() == "Booked"
    event = AuditEvent.objects.filter(object_type="visit", object_id=str(visit.pk)).get()
    assert event.action == "create" and "PHI" not in str(event.detail)


def test_same_clinician_at_an_overlapping_time_is_refused(desk, child_a, site_a, clinician_a):
    book(desk, child_a, site_a, clinician_a)

    with pytest.raises(ValidationError) as refused:
        book(desk, child_a, site_a, clinician_a, starts_at=MONDAY_9 + timedelta(minutes=10))

    assert refused.value.message_dict["clinician"] == [
        "This clinician already has a visit from 09:00 to 09:20. "
        "Choose another time or another clinician."
    ]
    assert Visit.objects.count() == 1


def test_back_to_back_visits_and_other_clinicians_are_fine(
    desk, child_a, site_a, clinician_a, staff_a
):
    book(desk, child_a, site_a, clinician_a)
    book(desk, child_a, site_a, clinician_a, starts_at=MONDAY_9 + timedelta(minutes=20))
    book(desk, child_a, site_a, staff_a[Role.NURSE_PRACTITIONER])

    assert Visit.objects.count() == 3


def test_a_cancelled_visit_frees_the_time(desk, child_a, site_a, clinician_a):
    first = book(desk, child_a, site_a, clinician_a)
    booking.cancel_visit(actor=desk, visit=first, reason="family_asked", at=NOW)

    book(desk, child_a, site_a, clinician_a)

    assert Visit.objects.filter(status=S.SCHEDULED).count() == 1


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (
            datetime(2026, 11, 22, 10, 0, tzinfo=ZONE),  # a Sunday
            "The practice is closed on that day of the week. Choose another day.",
        ),
        (
            datetime(2026, 11, 26, 10, 0, tzinfo=ZONE),  # the practice's holiday
            "The practice is closed on that day (a holiday). Choose another day.",
        ),
        (
            datetime(2026, 11, 23, 7, 30, tzinfo=ZONE),
            "The visit must fit within opening hours (08:00 to 17:00).",
        ),
        (
            datetime(2026, 11, 23, 16, 50, tzinfo=ZONE),  # would end at 17:10
            "The visit must fit within opening hours (08:00 to 17:00).",
        ),
        (datetime(2026, 11, 20, 9, 0, tzinfo=ZONE), "Choose a time that has not passed yet."),
        (
            datetime(2023, 5, 16, 9, 0, tzinfo=ZONE),
            "The visit is before the child's date of birth.",
        ),
    ],
)
def test_the_practice_calendar_and_time_are_respected(
    desk, child_a, site_a, clinician_a, practice_a, starts_at, message
):
    PracticeCalendar.objects.create(
        practice=practice_a,
        opens_at="08:00",
        closes_at="17:00",
        working_weekdays=[1, 2, 3, 4, 5],
        holidays=["2026-11-26"],
    )
    with pytest.raises(ValidationError) as refused:
        book(desk, child_a, site_a, clinician_a, starts_at=starts_at)

    assert refused.value.message_dict["starts_at"] == [message]
    assert not Visit.objects.exists()
    assert not AuditEvent.objects.filter(object_type="visit").exists()


def test_bad_choices_are_named(desk, child_a, site_a, clinician_b, practice_b):
    other_site = Site.objects.create(practice=practice_b, name="Elsewhere")
    with pytest.raises(ValidationError) as refused:
        book(desk, child_a, other_site, clinician_b, kind="x", modality="fax", duration_minutes=20)

    assert set(refused.value.message_dict) == {"kind", "modality", "site", "clinician"}


def test_in_person_needs_a_site_but_video_does_not(desk, child_a, clinician_a):
    with pytest.raises(ValidationError) as refused:
        book(desk, child_a, None, clinician_a)
    assert "site" in refused.value.message_dict

    assert book(desk, child_a, None, clinician_a, modality="video").site is None


def test_roles_without_the_capability_and_other_practices_are_refused(
    child_a, site_a, clinician_a, staff_a, practice_a, practice_b, clinician_b
):
    legal = factories.actor_for(staff_a[Role.LEGAL_PARTNER], practice_a, Role.LEGAL_PARTNER)
    other = factories.actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
    for actor in (legal, other):
        with pytest.raises(PermissionDenied):
            book(actor, child_a, site_a, clinician_a)


ALL = list(S.values)
ALLOWED = {
    (S.SCHEDULED, S.ARRIVED),
    (S.SCHEDULED, S.CANCELLED),
    (S.SCHEDULED, S.NO_SHOW),
    (S.ARRIVED, S.COMPLETED),
}


def move_to(desk, visit, target):
    if target == S.CANCELLED:
        return booking.cancel_visit(actor=desk, visit=visit, reason="family_asked", at=NOW)
    if target == S.SCHEDULED:
        raise ValidationError({"status": ["no way back to booked"]})
    return booking.MOVES[target](actor=desk, visit=visit, at=NOW)


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_transition_is_allowed_or_refused_by_the_table(
    desk, child_a, site_a, clinician_a, source, target
):
    visit = book(desk, child_a, site_a, clinician_a)
    Visit.objects.filter(pk=visit.pk).update(status=source)
    visit.refresh_from_db()
    before = AuditEvent.objects.count()

    if (source, target) in ALLOWED:
        moved = move_to(desk, visit, target)
        assert moved.status == target
        assert AuditEvent.objects.count() == before + 1
        assert AuditEvent.objects.order_by("sequence").last().detail["status"] == target
    else:
        with pytest.raises(ValidationError):
            move_to(desk, visit, target)
        visit.refresh_from_db()
        assert visit.status == source
        assert AuditEvent.objects.count() == before


def test_the_table_is_the_one_the_house_agreed():
    assert {(s, t) for s, targets in booking.TRANSITIONS.items() for t in targets} == ALLOWED


def test_a_refused_move_says_why(desk, child_a, site_a, clinician_a):
    visit = book(desk, child_a, site_a, clinician_a)
    booking.mark_no_show(actor=desk, visit=visit, at=NOW)

    with pytest.raises(ValidationError) as refused:
        booking.mark_arrived(actor=desk, visit=visit, at=NOW)

    assert refused.value.message_dict["status"] == [
        "The visit is “Did not come”; it cannot change to “Arrived”."
    ]


def test_cancel_needs_a_reason_from_the_list(desk, child_a, site_a, clinician_a):
    visit = book(desk, child_a, site_a, clinician_a)
    with pytest.raises(ValidationError):
        booking.cancel_visit(actor=desk, visit=visit, reason="she is sick", at=NOW)

    booking.cancel_visit(actor=desk, visit=visit, reason="family_rebooked", at=NOW)
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == (S.CANCELLED, "family_rebooked")


def test_moving_checks_the_calendar_and_conflicts_but_not_itself(
    desk, child_a, site_a, clinician_a
):
    visit = book(desk, child_a, site_a, clinician_a)
    other = book(desk, child_a, site_a, clinician_a, starts_at=MONDAY_9 + timedelta(hours=2))

    moved = booking.move_visit(
        actor=desk, visit=visit, starts_at=MONDAY_9 + timedelta(minutes=10), at=NOW
    )
    assert moved.starts_at == MONDAY_9 + timedelta(minutes=10)
    with pytest.raises(ValidationError) as refused:
        booking.move_visit(actor=desk, visit=visit, starts_at=other.starts_at, at=NOW)
    assert "clinician" in refused.value.message_dict
    with pytest.raises(ValidationError):
        booking.move_visit(
            actor=desk, visit=visit, starts_at=datetime(2026, 11, 22, 9, tzinfo=ZONE), at=NOW
        )
    booking.mark_arrived(actor=desk, visit=visit, at=NOW)
    with pytest.raises(ValidationError) as refused:
        booking.move_visit(actor=desk, visit=visit, starts_at=MONDAY_9, at=NOW)
    assert refused.value.message_dict["starts_at"] == [
        "Only a booked visit can be moved; this one is “Arrived”."
    ]
