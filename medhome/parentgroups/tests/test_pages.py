"""The staff's parent-groups pages: a parent partner runs all of them without chart.read, the
lists keep their query counts, and pages that list caregivers are audited."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.parentgroups.models import MeetingAttendance, ParentGroup, SignUp
from medhome.portal.models import FamilyLink
from tests import factories
from tests import parentgroup_factories as pg

pytestmark = pytest.mark.django_db

# Pages of a child's record a parent partner must never be sent to.
CLINICAL = re.compile(r'href="/(children|families|screening|referrals|careplan|tasks)/')


@pytest.fixture
def partner_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.PARENT_PARTNER], practice_a)


def test_a_parent_partner_runs_a_group_from_start_to_attendance(
    partner_client, staff_a, caregiver_a, child_a
):
    made = partner_client.post(
        reverse("parentgroups:create"),
        {
            "kind": "parent_circle",
            "name": "Círculo de mamás",
            "languages": ["es"],
            "leader": staff_a[Role.PARENT_PARTNER].pk,
            "capacity": 10,
            "open_for_sign_up": "on",
            "is_active": "on",
        },
    )
    group = ParentGroup.objects.get()
    yesterday = clock.local_date(clock.now() - timedelta(days=1))
    meeting = partner_client.post(
        reverse("parentgroups:add_meeting", args=[group.pk]),
        {
            "on": yesterday.isoformat(),
            "starts": "10:00",
            "duration_minutes": 90,
            "topics": "sueño, juego",
        },
    )
    found = partner_client.post(reverse("parentgroups:sign_up", args=[group.pk]), {"q": "mari"})
    signed = partner_client.post(
        reverse("parentgroups:sign_up", args=[group.pk]), {"caregiver": caregiver_a.pk}
    )
    the_meeting = group.meetings.get()
    sheet = partner_client.get(reverse("parentgroups:attendance", args=[the_meeting.pk]))
    marked = partner_client.post(
        reverse("parentgroups:attendance", args=[the_meeting.pk]), {f"came-{caregiver_a.pk}": "yes"}
    )
    page = partner_client.get(reverse("parentgroups:detail", args=[group.pk]))
    link_page = partner_client.post(reverse("parentgroups:send_link", args=[caregiver_a.pk]))

    assert made.status_code == 302 and meeting.status_code == 302
    assert found.status_code == 200 and "Marisol García" in found.content.decode()
    assert signed.status_code == 302 and sheet.status_code == 200
    assert marked.status_code == 302
    assert the_meeting.topics == ["sueño", "juego"]
    assert MeetingAttendance.objects.get().attended is True
    body = page.content.decode()
    assert "Marisol García" in body and "Spanish" in body
    assert child_a.legal_given_name not in body  # no child on a group's page
    assert link_page.status_code == 200 and "/g/" in link_page.content.decode()
    assert FamilyLink.objects.get().purpose == "parent_groups"
    for response in (found, sheet, page, link_page):
        assert CLINICAL.findall(response.content.decode()) == []


def test_the_edit_form_says_what_is_wrong(partner_client, staff_a, circle, caregiver_a, family_a):
    pg.sign_up(circle, caregiver_a)
    pg.sign_up(circle, factories.add_caregiver(family_a, given_name="Rafael"))

    response = partner_client.post(
        reverse("parentgroups:edit", args=[circle.pk]),
        {
            "kind": "other",
            "other_kind": "",
            "name": "Círculo",
            "languages": ["es"],
            "leader": staff_a[Role.PARENT_PARTNER].pk,
            "capacity": 1,
            "is_active": "on",
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Name the kind of group." in body
    circle.refresh_from_db()
    assert circle.kind == "parent_circle"


def test_attendance_for_a_meeting_to_come_is_refused_on_the_page(
    partner_client, circle, caregiver_a
):
    pg.sign_up(circle, caregiver_a)
    future = pg.meeting(circle, days=3)

    response = partner_client.post(
        reverse("parentgroups:attendance", args=[future.pk]), {f"came-{caregiver_a.pk}": "yes"}
    )

    assert response.status_code == 400
    assert "Attendance is taken once the meeting has begun." in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_a_malformed_caregiver_id_in_the_attendance_form_is_a_400(partner_client, circle):
    meeting = pg.meeting(circle, days=-1)

    response = partner_client.post(
        reverse("parentgroups:attendance", args=[meeting.pk]), {"came-not-an-id": "yes"}
    )

    assert response.status_code == 400
    assert not MeetingAttendance.objects.exists()


def test_the_staff_side_says_when_a_group_is_full(partner_client, circle, caregiver_a, family_a):
    circle.capacity = 1
    circle.save()
    pg.sign_up(circle, factories.add_caregiver(family_a, given_name="Rafael"))

    response = partner_client.post(
        reverse("parentgroups:sign_up", args=[circle.pk]),
        {"caregiver": caregiver_a.pk},
        follow=True,
    )

    assert "This group is full." in response.content.decode()
    assert not SignUp.objects.filter(caregiver=caregiver_a).exists()


def test_withdrawing_from_the_group_page(partner_client, circle, caregiver_a):
    row = pg.sign_up(circle, caregiver_a)

    response = partner_client.post(reverse("parentgroups:withdraw", args=[row.pk]), follow=True)

    row.refresh_from_db()
    assert row.withdrawn_at is not None
    assert "Marisol García was withdrawn." in response.content.decode()


def test_pages_that_list_caregivers_are_audited(partner_client, circle, caregiver_a):
    pg.sign_up(circle, caregiver_a)
    meeting = pg.meeting(circle, days=-1)

    partner_client.get(reverse("parentgroups:detail", args=[circle.pk]))
    partner_client.get(reverse("parentgroups:attendance", args=[meeting.pk]))
    partner_client.post(reverse("parentgroups:sign_up", args=[circle.pk]), {"q": "García"})

    seen = AuditEvent.objects.filter(
        object_type="caregiver", object_id=str(caregiver_a.pk), action="view"
    )
    assert sorted(event.detail["page"] for event in seen) == [
        "parentgroups:attendance",
        "parentgroups:detail",
        "parentgroups:sign_up",
    ]
    assert {event.role for event in seen} == {Role.PARENT_PARTNER}


def test_the_search_finds_only_this_practices_caregivers(partner_client, circle, caregiver_b):
    response = partner_client.post(
        reverse("parentgroups:sign_up", args=[circle.pk]), {"q": "Quillfeather"}
    )

    assert response.status_code == 200
    assert response.context["found"] == []
    assert "Balthazar" not in response.content.decode()


def test_the_list_keeps_its_query_count(
    partner_client, staff_a, practice_a, family_a, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for i in range(n):
            group = pg.group(practice_a, staff_a[Role.PARENT_PARTNER], name=f"Group {i}")
            pg.meeting(group, days=3)
            pg.sign_up(group, factories.add_caregiver(family_a, given_name=f"Parent{i}"))

    add(1)
    with django_assert_max_num_queries(12) as few:
        partner_client.get(reverse("parentgroups:list"))
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = partner_client.get(reverse("parentgroups:list"))
    assert len(response.context["groups"]) == 7
    assert "1 of 8" in response.content.decode()


def test_the_group_page_keeps_its_query_count(
    partner_client, circle, family_a, django_assert_max_num_queries
):
    def add(n: int, tag: str) -> None:
        for i in range(n):
            pg.meeting(circle, days=-i - 1)
            pg.sign_up(circle, factories.add_caregiver(family_a, given_name=f"{tag}{i}"))

    add(1, "a")
    url = reverse("parentgroups:detail", args=[circle.pk])
    with django_assert_max_num_queries(30) as few:
        partner_client.get(url)
    add(6, "b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = partner_client.get(url)
    assert len(response.context["page"].sign_ups) == 7


def test_the_attendance_sheet_keeps_its_query_count(
    partner_client, circle, family_a, django_assert_max_num_queries
):
    meeting = pg.meeting(circle, days=-1)
    url = reverse("parentgroups:attendance", args=[meeting.pk])
    pg.sign_up(circle, factories.add_caregiver(family_a, given_name="first"))
    with django_assert_max_num_queries(30) as few:
        partner_client.get(url)
    for i in range(6):
        pg.sign_up(circle, factories.add_caregiver(family_a, given_name=f"more{i}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = partner_client.get(url)
    assert len(response.context["rows"]) == 7


def test_a_role_without_the_capability_is_refused(log_in, staff_a, practice_a, circle):
    desk = log_in(staff_a[Role.FRONT_DESK], practice_a)

    assert desk.get(reverse("parentgroups:list")).status_code == 403
    assert desk.get(reverse("parentgroups:detail", args=[circle.pk])).status_code == 403


def test_another_practices_group_is_a_404(partner_client, circle_b):
    assert partner_client.get(reverse("parentgroups:detail", args=[circle_b.pk])).status_code == 404
    assert (
        partner_client.post(
            reverse("parentgroups:add_meeting", args=[circle_b.pk]),
            {"on": "2026-12-10", "starts": "10:00", "duration_minutes": 60},
        ).status_code
        == 404
    )
    assert not circle_b.meetings.exists()
