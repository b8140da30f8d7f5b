"""The group pages: what they show, their POST actions, their audited reads and fixed query
counts."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.groupcare.models import Attendance, Cohort, CohortMember, Session
from medhome.visits.models import Visit

from .support import AFTER, FIRST_BIRTH, NOW, SESSION, baby, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(log_in, staff_a, practice_a):
    from medhome.accounts.roles import Role

    return log_in(staff_a[Role.NURSE], practice_a)


def at(moment):
    return mock.patch.object(clock, "now", lambda: moment)


def child_reads(via: str) -> int:
    return AuditEvent.objects.filter(object_type="child", detail__via=via).count()


def _list_queries(client) -> tuple[int, str]:
    earlier = NOW - timedelta(days=35)
    with (
        at(earlier),
        mock.patch.object(clock, "today", lambda: earlier.date()),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(reverse("groupcare:list"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_shows_groups_and_proposals_in_fixed_queries(client, cohort, practice_a):
    for n in range(20, 23):
        baby(practice_a, n, born=FIRST_BIRTH + timedelta(days=n - 20))
    few, body = _list_queries(client)
    for n in range(23, 40):
        baby(practice_a, n, born=FIRST_BIRTH + timedelta(days=n - 20))
    many, _body = _list_queries(client)

    assert "Grupo de septiembre" in body and "Bebe20" in body and "· Spanish" in body
    assert few == many <= 20
    assert child_reads("groupcare_proposals") == 3 + 20


def test_forming_from_a_proposal(client, practice_a, site_a, clinician_a):
    babies = [baby(practice_a, n) for n in range(6)]
    with at(NOW - timedelta(days=35)):
        response = client.post(
            reverse("groupcare:form"),
            {
                "child": [b.pk for b in babies],
                "site": site_a.pk,
                "language": "es",
                "born_from": "2026-09-01",
                "born_to": "2026-09-06",
                "name": "Grupo A",
                "facilitator": clinician_a.pk,
            },
        )
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "groupcare:cohort", args=[cohort.pk]
    )
    assert cohort.members.count() == 6


def test_forming_with_bad_input_says_why(client, site_a, clinician_a):
    response = client.post(
        reverse("groupcare:form"),
        {"site": site_a.pk, "language": "es", "name": "G", "facilitator": clinician_a.pk},
        follow=True,
    )
    assert "Give the first and last birth dates of the group&#x27;s babies." in (
        response.content.decode()
    )
    assert Cohort.objects.count() == 0


def test_the_cohort_page_in_fixed_queries(client, cohort, django_assert_max_num_queries):
    with at(NOW), django_assert_max_num_queries(18):
        response = client.get(reverse("groupcare:cohort", args=[cohort.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bebe5" in body and "Schedule this session" in body
    assert child_reads("groupcare_cohort") == 6


def test_scheduling_from_the_page_and_the_double_booking_choice(client, cohort, babies, runner):
    from medhome.visits import booking

    booking.book_visit(
        actor=runner,
        child=babies[1],
        site=cohort.site,
        clinician_id=None,
        starts_at=SESSION + timedelta(hours=5),
        kind="sick",
        modality="in_person",
        duration_minutes=20,
        at=NOW,
    )
    payload = {
        "visit_key": "2mo",
        "day": "2026-11-16",
        "time": "10:00",
        "duration_minutes": "120",
        "place": "Community room",
        "topics": "Sleep",
    }
    with at(NOW):
        warned = client.post(reverse("groupcare:schedule", args=[cohort.pk]), payload)
        assert warned.status_code == 400
        assert "already has a visit that day at 15:00" in warned.content.decode()
        assert Session.objects.count() == 0
        done = client.post(
            reverse("groupcare:schedule", args=[cohort.pk]),
            payload | {f"choice-{babies[1].pk}": "keep_both"},
        )
    session = Session.objects.get()
    assert done.url == reverse("groupcare:session", args=[session.pk])
    assert Attendance.objects.get(child=babies[1]).double_booking == "keep_both"


def test_the_session_roster_links_each_part_and_marks(
    client, runner, cohort, babies, django_assert_max_num_queries
):
    session = schedule(runner, cohort)
    with at(AFTER), django_assert_max_num_queries(21):
        response = client.get(reverse("groupcare:session", args=[session.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<dd>2 months</dd>" in body  # the schedule's name of the visit, not its key
    assert reverse("screening:child", args=[babies[0].pk]) in body
    assert reverse("screening:start", args=[babies[0].pk]) in body  # the mother's screen at 2mo
    # Once the session has begun, the pre-visit questions are too late to send.
    assert reverse("screening:send", args=[babies[0].pk]) not in body
    assert f"{reverse('families:chart', args=[babies[0].pk])}#visit-rows" in body
    assert child_reads("groupcare_session") == 6
    with at(NOW):
        before = client.get(reverse("groupcare:session", args=[session.pk])).content.decode()
    assert reverse("screening:send", args=[babies[0].pk]) in before

    rows = {a.child_id: a for a in Attendance.objects.filter(session=session)}
    with at(AFTER):
        client.post(reverse("groupcare:mark", args=[rows[babies[0].pk].pk]), {"action": "attended"})
        client.post(reverse("groupcare:mark", args=[rows[babies[1].pk].pk]), {"action": "missed"})
        client.post(
            reverse("groupcare:makeup", args=[rows[babies[1].pk].pk]),
            {"day": "2026-11-19", "time": "09:00", "clinician": cohort.facilitator_id},
        )
    statuses = dict(Attendance.objects.values_list("child_id", "status"))
    assert (statuses[babies[0].pk], statuses[babies[1].pk]) == ("attended", "missed")
    assert Attendance.objects.get(child=babies[1]).makeup_visit.kind == "well_child"


def test_leaving_from_the_cohort_page(client, runner, cohort, babies):
    schedule(runner, cohort)
    member = CohortMember.objects.get(child=babies[0])
    with at(NOW):
        client.post(reverse("groupcare:leave", args=[member.pk]), {"reason": "individual"})
    member.refresh_from_db()
    assert member.left_reason == "individual"
    assert Visit.objects.get(child=babies[0], kind="group").status == "cancelled"


def test_adding_a_child_outside_the_range_says_so(client, cohort, practice_a):
    baby(practice_a, 70, born=cohort.born_to + timedelta(days=3))
    response = client.post(
        reverse("groupcare:add_member", args=[cohort.pk]), {"mrn": "GC-70"}, follow=True
    )
    assert "outside this group&#x27;s births" in response.content.decode()
    assert cohort.members.count() == 6
