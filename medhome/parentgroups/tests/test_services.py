"""The rules of parent groups, through the services: every allowed and refused change."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.parentgroups import services
from medhome.parentgroups.models import MeetingAttendance, ParentGroup, SignUp
from tests import factories
from tests import parentgroup_factories as pg

pytestmark = pytest.mark.django_db


def refusal(error: pytest.ExceptionInfo) -> tuple[str, str]:
    return error.value.code, " ".join(error.value.messages)


def values(chosen, **overrides) -> services.GroupValues:
    base = {
        "kind": "reading_group",
        "name": "Story time",
        "languages": ["en", "es"],
        "leader": chosen,
        "capacity": 2,
    }
    return services.GroupValues(**(base | overrides))


# --- Groups ---------------------------------------------------------------------------------


def test_a_parent_partner_makes_a_group_they_lead(partner, staff_a):
    group = services.create_group(
        actor=partner, values=values(staff_a[Role.PARENT_PARTNER]), at=clock.now()
    )

    assert (group.kind_label, group.languages, group.leader) == (
        "Reading group",
        ["en", "es"],
        staff_a[Role.PARENT_PARTNER],
    )
    assert AuditEvent.objects.filter(object_type="parentgroups.group", action="create").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"kind": "other", "other_kind": " "}, "other_kind", "Name the kind of group."),
        ({"kind": "bingo"}, "kind", "Choose the kind of group."),
        ({"name": "  "}, "name", "Give the group a name."),
        ({"languages": []}, "languages", "Choose the language the group is held in."),
        ({"languages": ["xx-nope-1"]}, "languages", "is not a"),
        ({"capacity": 0}, "capacity", "A group needs at least one place."),
        ({"leader": None}, "leader", "who runs parent groups"),
    ],
)
def test_a_group_is_refused_with_the_reason(partner, staff_a, overrides, field, words):
    leader = staff_a[Role.PARENT_PARTNER]
    with pytest.raises(ValidationError) as error:
        services.create_group(actor=partner, values=values(leader, **overrides), at=clock.now())

    assert words in " ".join(error.value.message_dict[field])
    assert not ParentGroup.objects.exists()


def test_the_leader_is_a_colleague_who_runs_groups(partner, staff_a, clinician_b):
    for leader in (staff_a[Role.FRONT_DESK], clinician_b):  # no parentgroups.run; another practice
        with pytest.raises(ValidationError) as error:
            services.create_group(actor=partner, values=values(leader), at=clock.now())
        assert "leader" in error.value.message_dict


def test_another_kind_keeps_its_own_name(partner, staff_a):
    group = services.create_group(
        actor=partner,
        values=values(staff_a[Role.PARENT_PARTNER], kind="other", other_kind="Grandparents' tea"),
        at=clock.now(),
    )

    assert group.kind_label == "Grandparents' tea"


def test_a_role_without_the_capability_makes_no_group(staff_a, practice_a):
    desk = factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)

    with pytest.raises(PermissionDenied):
        services.create_group(
            actor=desk, values=values(staff_a[Role.PARENT_PARTNER]), at=clock.now()
        )


def test_places_cannot_drop_below_who_signed_up(partner, circle, caregiver_a, family_a, staff_a):
    pg.sign_up(circle, caregiver_a)
    pg.sign_up(circle, factories.add_caregiver(family_a, given_name="Rafael"))

    with pytest.raises(ValidationError) as error:
        services.update_group(
            actor=partner,
            group=circle,
            values=values(staff_a[Role.PARENT_PARTNER], capacity=1),
            at=clock.now(),
        )

    assert "2 caregivers are signed up" in error.value.message_dict["capacity"][0]
    circle.refresh_from_db()
    assert (circle.capacity, circle.name) == (8, "Círculo de padres")


# --- Sign-ups -------------------------------------------------------------------------------


def test_staff_sign_a_caregiver_up_and_withdraw_them(partner, circle, caregiver_a):
    row = services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())
    services.withdraw(actor=partner, sign_up=row, at=clock.now())

    row.refresh_from_db()
    assert (row.how, row.signed_up_by.username, row.withdrawn_at is not None) == (
        "staff",
        "a-parent-partner",
        True,
    )
    with pytest.raises(ValidationError) as twice:
        services.withdraw(actor=partner, sign_up=row, at=clock.now())
    assert twice.value.code == "not_signed_up"


def test_a_full_group_refuses_the_next_sign_up(partner, circle, caregiver_a, family_a):
    circle.capacity = 1
    circle.save()
    pg.sign_up(circle, factories.add_caregiver(family_a, given_name="Rafael"))

    with pytest.raises(ValidationError) as error:
        services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())

    assert refusal(error) == ("group_full", "This group is full.")
    assert SignUp.objects.filter(caregiver=caregiver_a).count() == 0


def test_signing_up_twice_is_refused(partner, circle, caregiver_a):
    services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())

    with pytest.raises(ValidationError) as error:
        services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())

    assert refusal(error) == (
        "already_signed_up",
        "This caregiver is already signed up for this group.",
    )
    assert SignUp.objects.filter(caregiver=caregiver_a).count() == 1


def test_the_database_holds_one_live_sign_up_per_caregiver(circle, caregiver_a):
    pg.sign_up(circle, caregiver_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        pg.sign_up(circle, caregiver_a)


def test_withdrawn_then_signed_up_again_keeps_the_history(partner, circle, caregiver_a):
    first = services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())
    services.withdraw(actor=partner, sign_up=first, at=clock.now())

    again = services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())

    assert first.pk != again.pk
    assert (
        list(
            SignUp.objects.filter(caregiver=caregiver_a)
            .order_by("signed_up_at", "withdrawn_at")
            .values_list("withdrawn_at", flat=True)
        )[-1]
        is None
    )
    assert SignUp.objects.filter(caregiver=caregiver_a, withdrawn_at__isnull=True).count() == 1


def test_a_withdrawn_place_frees_the_group(partner, circle, caregiver_a, family_a):
    circle.capacity = 1
    circle.save()
    rafael = factories.add_caregiver(family_a, given_name="Rafael")
    row = services.sign_up(actor=partner, group=circle, caregiver=rafael, at=clock.now())
    services.withdraw(actor=partner, sign_up=row, at=clock.now())

    services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())

    assert SignUp.objects.filter(group=circle, withdrawn_at__isnull=True).count() == 1


def test_staff_may_seat_someone_in_a_group_closed_to_families_but_not_a_stopped_one(
    partner, circle, caregiver_a
):
    circle.open_for_sign_up = False
    circle.save()
    services.sign_up(actor=partner, group=circle, caregiver=caregiver_a, at=clock.now())
    stopped = pg.group(circle.practice, circle.leader, name="Stopped", is_active=False)

    with pytest.raises(ValidationError) as error:
        services.sign_up(actor=partner, group=stopped, caregiver=caregiver_a, at=clock.now())

    assert refusal(error) == ("group_closed", "This group is not taking sign-ups right now.")


def test_another_practices_caregiver_or_group_is_refused(
    partner, circle, circle_b, caregiver_a, caregiver_b
):
    with pytest.raises(Http404):
        services.sign_up(actor=partner, group=circle, caregiver=caregiver_b, at=clock.now())
    with pytest.raises(Http404):
        services.sign_up(actor=partner, group=circle_b, caregiver=caregiver_a, at=clock.now())
    with pytest.raises(Http404):
        services.add_meeting(
            actor=partner,
            group=circle_b,
            starts_at=clock.now(),
            duration_minutes=60,
            topics=[],
            at=clock.now(),
        )
    assert not SignUp.objects.exists()


# --- Meetings and attendance ----------------------------------------------------------------


def test_a_meeting_is_added_with_its_topics(partner, circle):
    meeting = services.add_meeting(
        actor=partner,
        group=circle,
        starts_at=clock.now() + timedelta(days=3),
        duration_minutes=90,
        topics=[" Sleep ", "first  foods", "Sleep", ""],
        at=clock.now(),
    )

    assert meeting.topics == ["Sleep", "first foods"]


@pytest.mark.parametrize(
    ("minutes", "topics", "words"),
    [
        (0, [], "A meeting lasts from 1 to 480 minutes."),
        (481, [], "A meeting lasts from 1 to 480 minutes."),
        (60, [f"topic {n}" for n in range(7)], "At most 6 topics for one meeting."),
        (60, ["x" * 81], "Keep each topic under 80 characters."),
    ],
)
def test_a_meeting_is_refused_with_the_reason(partner, circle, minutes, topics, words):
    with pytest.raises(ValidationError) as error:
        services.add_meeting(
            actor=partner,
            group=circle,
            starts_at=clock.now(),
            duration_minutes=minutes,
            topics=topics,
            at=clock.now(),
        )

    assert words in " ".join(error.value.messages)
    assert not circle.meetings.exists()


def test_a_stopped_group_takes_no_meeting(partner, circle):
    circle.is_active = False
    circle.save()

    with pytest.raises(ValidationError, match="restart it"):
        services.add_meeting(
            actor=partner,
            group=circle,
            starts_at=clock.now(),
            duration_minutes=60,
            topics=[],
            at=clock.now(),
        )


def test_attendance_is_taken_for_a_meeting_that_has_begun(partner, circle, caregiver_a, family_a):
    rafael = factories.add_caregiver(family_a, given_name="Rafael")
    pg.sign_up(circle, caregiver_a)
    pg.sign_up(circle, rafael)
    meeting = pg.meeting(circle, days=-1)

    saved = services.record_attendance(
        actor=partner,
        meeting=meeting,
        marks={caregiver_a.pk: True, rafael.pk: False},
        at=clock.now(),
    )
    again = services.record_attendance(
        actor=partner, meeting=meeting, marks={rafael.pk: True}, at=clock.now()
    )

    assert (saved, again) == (2, 1)
    assert dict(MeetingAttendance.objects.values_list("caregiver_id", "attended")) == {
        caregiver_a.pk: True,
        rafael.pk: True,
    }
    assert AuditEvent.objects.filter(object_type="parentgroups.attendance").count() == 3


def test_attendance_for_a_meeting_to_come_or_cancelled_is_refused(partner, circle, caregiver_a):
    pg.sign_up(circle, caregiver_a)
    future = pg.meeting(circle, days=2)
    cancelled = pg.meeting(circle, days=-2, cancelled=True)

    with pytest.raises(ValidationError) as early:
        services.record_attendance(
            actor=partner, meeting=future, marks={caregiver_a.pk: True}, at=clock.now()
        )
    with pytest.raises(ValidationError) as off:
        services.record_attendance(
            actor=partner, meeting=cancelled, marks={caregiver_a.pk: True}, at=clock.now()
        )

    assert early.value.messages == ["Attendance is taken once the meeting has begun."]
    assert off.value.messages == ["This meeting was cancelled: there is no attendance to take."]
    assert not MeetingAttendance.objects.exists()


def test_attendance_for_someone_not_signed_up_refuses_the_whole_form(
    partner, circle, caregiver_a, family_a
):
    pg.sign_up(circle, caregiver_a)
    stranger = factories.add_caregiver(family_a, given_name="Rafael")
    meeting = pg.meeting(circle, days=-1)

    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            actor=partner,
            meeting=meeting,
            marks={caregiver_a.pk: True, stranger.pk: True},
            at=clock.now(),
        )

    assert "Sign them up first." in error.value.messages[0]
    assert not MeetingAttendance.objects.exists()  # nothing half-saved


def test_someone_withdrawn_before_the_meeting_is_not_on_its_sheet(partner, circle, caregiver_a):
    pg.sign_up(circle, caregiver_a, withdrawn_at=clock.now() - timedelta(days=3))
    meeting = pg.meeting(circle, days=-1)

    with pytest.raises(ValidationError):
        services.record_attendance(
            actor=partner, meeting=meeting, marks={caregiver_a.pk: True}, at=clock.now()
        )


def test_someone_withdrawn_after_the_meeting_can_still_be_marked(partner, circle, caregiver_a):
    pg.sign_up(circle, caregiver_a, withdrawn_at=clock.now() - timedelta(hours=1))
    meeting = pg.meeting(circle, days=-1)

    assert (
        services.record_attendance(
            actor=partner, meeting=meeting, marks={caregiver_a.pk: True}, at=clock.now()
        )
        == 1
    )


def test_only_a_meeting_to_come_is_cancelled(partner, circle):
    future, past = pg.meeting(circle, days=2), pg.meeting(circle, days=-2)

    services.cancel_meeting(actor=partner, meeting=future, at=clock.now())
    with pytest.raises(ValidationError, match="already begun"):
        services.cancel_meeting(actor=partner, meeting=past, at=clock.now())

    future.refresh_from_db()
    past.refresh_from_db()
    assert (future.cancelled, past.cancelled) == (True, False)


# --- The family's link ----------------------------------------------------------------------


def test_the_groups_link_is_made_by_a_parent_partner(partner, caregiver_a, child_a):
    link, token = services.send_groups_link(actor=partner, caregiver=caregiver_a, at=clock.now())

    assert (link.purpose, link.caregiver, link.child, link.language) == (
        "parent_groups",
        caregiver_a,
        child_a,
        "es",
    )
    assert token


def test_no_groups_link_for_another_practices_caregiver(partner, caregiver_b):
    with pytest.raises(Http404):
        services.send_groups_link(actor=partner, caregiver=caregiver_b, at=clock.now())
