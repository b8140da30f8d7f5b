"""The case-review list and a family's review page, through the client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.casereview.models import CaseReview
from medhome.tasks.kinds import TaskKind
from medhome.tasks.models import Task
from tests.conftest import PHI_B

from . import helpers

pytestmark = pytest.mark.django_db

LIST = reverse("casereview:list")


def family_url(family) -> str:
    return reverse("casereview:family", kwargs={"family_id": family.pk})


@pytest.fixture
def stuck(family_a, child_a, caregiver_a, clinician_a):
    """A referral sent three weeks ago that the organization never answered."""
    return helpers.sent_referral(
        child_a, caregiver_a, clinician_a, requested_at=timezone.now() - timedelta(days=21)
    )


def test_the_list_finds_a_family_with_a_stuck_referral(client_a, family_a, child_a, stuck):
    response = client_a.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert family_url(family_a) in page
    assert reverse("families:chart", kwargs={"child_id": child_a.pk}) in page
    assert "1 referral with no response past its follow-up" in page
    assert "never reviewed" in page


def test_the_list_is_audited_per_family_shown(client_a, family_a, child_a, stuck):
    since = AuditEvent.objects.count()

    client_a.get(LIST)

    [event] = AuditEvent.objects.order_by("pk")[since:]
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "case_review_list",
        str(family_a.pk),
    )
    assert event.detail == {"children": [str(child_a.pk)], "reasons": ["stuck_referrals"]}


def test_the_list_filters_by_reason(client_a, family_a, stuck):
    def listed(reason: str) -> bool:
        return family_url(family_a) in client_a.get(LIST, {"reason": reason}).content.decode()

    assert not listed("missed_visits")
    assert listed("stuck_referrals")
    assert listed("nonsense")  # an unknown reason is no filter


def test_the_list_in_spanish(client_a, family_a, stuck):
    client_a.cookies["django_language"] = "es"

    page = client_a.get(LIST, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Familias que necesitan la atención del equipo" in page


def test_the_list_is_paginated_with_constant_queries(
    client_a, practice_a, clinician_a, django_assert_max_num_queries
):
    for index in range(30):
        _family, child, _caregiver = helpers.another_family(practice_a, f"Family {index}")
        helpers.missed_visit(child, days_ago=3 + index / 10, now=timezone.now())
    client_a.get(LIST)

    with django_assert_max_num_queries(25):
        first = client_a.get(LIST).content.decode()
    second = client_a.get(LIST, {"page": 2}).content.decode()

    assert first.count("/case-review/families/") == 25
    assert second.count("/case-review/families/") == 5


def test_another_practice_family_is_not_listed_nor_opened(client_a, practice_b, family_b, child_b):
    helpers.missed_visit(child_b, days_ago=2, now=timezone.now())

    assert family_url(family_b) not in client_a.get(LIST).content.decode()
    response = client_a.get(family_url(family_b))
    assert response.status_code == 404
    assert not [value for value in PHI_B if value in response.content.decode()]
    assert client_a.post(family_url(family_b), {"summary": "x"}).status_code == 404
    assert CaseReview.objects.count() == 0


def test_the_family_page_shows_the_open_items(client_a, family_a, child_a, stuck):
    helpers.missed_visit(child_a, days_ago=2, now=timezone.now())
    since = AuditEvent.objects.count()

    response = client_a.get(family_url(family_a))

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("referrals:detail", args=[stuck.pk]) in page
    assert stuck.organization.name in page
    assert "1 missed visit" in page
    [event] = AuditEvent.objects.order_by("pk")[since:]
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "case_review_family",
        str(family_a.pk),
    )


def test_recording_a_review_from_the_page(log_in, practice_a, staff_a, family_a, child_a):
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    worker = staff_a[Role.COMMUNITY_HEALTH_WORKER]
    today = timezone.localdate()

    response = client.post(
        family_url(family_a),
        {
            "held_on": today.isoformat(),
            "attendees": [str(worker.pk)],
            "summary": "Housing is the worry.",
            "decision-0-text": "Bring the housing forms to the next visit",
            "decision-0-child": str(child_a.pk),
            "decision-0-assignee": f"user:{worker.pk}",
            "decision-0-due_on": (today + timedelta(days=7)).isoformat(),
            "decision-1-child": str(child_a.pk),  # an empty row is no decision
        },
    )

    assert response.status_code == 302
    task = Task.objects.get(kind=TaskKind.CASE_REVIEW_DECISION)
    assert (task.assignee, task.details) == (
        worker,
        {"text": "Bring the housing forms to the next visit"},
    )
    page = client.get(family_url(family_a)).content.decode()
    assert "Housing is the worry." in page
    assert "Bring the housing forms to the next visit" in page
    assert "Open" in page  # the decision's task is still open


def test_a_refused_review_says_why_and_keeps_what_was_typed(client_a, family_a, child_a):
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client_a.post(
        family_url(family_a),
        {
            "held_on": timezone.localdate().isoformat(),
            "decision-0-text": "Call the school",
            "decision-0-child": str(child_a.pk),
            "decision-0-assignee": "role:care_coordinator",
            "decision-0-due_on": yesterday.isoformat(),
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Decision 1: the date by when is in the past." in page
    assert 'value="Call the school"' in page
    assert CaseReview.objects.count() == 0


def test_a_malformed_date_is_refused(client_a, family_a):
    response = client_a.post(family_url(family_a), {"held_on": "soon", "summary": "x"})

    assert response.status_code == 400
    assert "Give the date of the review." in response.content.decode()


def test_the_family_page_takes_the_same_queries_for_more_reviews(
    client_a, practice_a, staff_a, family_a, child_a, stuck
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medhome.casereview.services import DecisionInput, record_review
    from tests import factories

    nurse = staff_a[Role.NURSE]
    actor = factories.actor_for(nurse, practice_a, Role.NURSE)
    today = timezone.localdate()

    def reviews(n: int) -> None:
        for _ in range(n):
            record_review(
                actor=actor,
                family=family_a,
                held_on=today,
                attendee_ids=[str(staff_a[Role.NURSE].pk), str(staff_a[Role.PEDIATRICIAN].pk)],
                summary="Talked",
                decisions=[
                    DecisionInput("Call", str(child_a.pk), "role:nurse", today),
                    DecisionInput("Visit", str(child_a.pk), f"user:{nurse.pk}", today),
                ],
                at=timezone.now(),
            )

    def opened() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get(family_url(family_a)).status_code == 200
        return len(queries)

    reviews(1)
    opened()
    few = opened()
    reviews(4)

    assert opened() == few
