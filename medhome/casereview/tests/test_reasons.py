"""Each reason finds its family at its threshold and not the others
(docs/clinical-rules.md#case-review)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.accounts.roles import Role
from medhome.casereview.reasons import Rules, months_before
from medhome.casereview.selectors import needing_attention, rows_of
from medhome.practices.calendar import calendar_of
from medhome.referrals.followup import response_due
from medhome.referrals.services.follow_up_settings import settings_for
from medhome.visits.models import VisitStatus
from tests import factories

from . import helpers
from .helpers import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(clinician_a, practice_a):
    return factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)


def found(actor, *, now: datetime = NOW, reason: str | None = None) -> dict:
    return {
        row.family_id: {key: f.count for key, f in row.findings.items()}
        for row in needing_attention(actor, now=now, reason=reason)
    }


def test_nothing_to_review(actor, family_a):
    assert found(actor) == {}


def test_several_open_items_counts_tasks_across_the_family_children(actor, family_a, child_a):
    sibling = factories.add_child(family_a, legal_given_name="Mateo", mrn="SG-2")
    helpers.tasks(child_a, 2)
    assert found(actor) == {}

    helpers.tasks(sibling, 1)

    assert found(actor) == {family_a.pk: {"open_items": 3}}


def test_the_open_items_threshold_is_a_setting(actor, family_a, child_a, settings):
    helpers.tasks(child_a, 2)
    settings.MEDHOME_CASE_REVIEW = {"open_tasks_at_least": 2}

    assert found(actor) == {family_a.pk: {"open_items": 2}}


def test_a_stuck_referral_is_found_from_the_follow_up_rule(
    actor, practice_a, family_a, child_a, caregiver_a, clinician_a
):
    referral = helpers.sent_referral(
        child_a,
        caregiver_a,
        clinician_a,
        requested_at=datetime.fromisoformat("2026-06-05T10:00-04:00"),
    )
    due = response_due(referral, settings_for(practice_a), calendar=calendar_of(practice_a))
    assert due is not None

    assert found(actor, now=due - timedelta(seconds=1)) == {}
    assert found(actor, now=due) == {family_a.pk: {"stuck_referrals": 1}}


def test_the_practice_follow_up_setting_moves_the_stuck_line(
    actor, practice_a, family_a, child_a, caregiver_a, clinician_a
):
    helpers.sent_referral(child_a, caregiver_a, clinician_a, requested_at=NOW - timedelta(days=8))
    assert found(actor) == {family_a.pk: {"stuck_referrals": 1}}
    follow_up = settings_for(practice_a)
    follow_up.response_business_days = 10
    follow_up.save()

    assert found(actor) == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "accepted", "first_response_at": NOW - timedelta(days=7)},
        {"status": "cancelled", "closed_at": NOW - timedelta(days=7)},
    ],
    ids=["answered", "closed"],
)
def test_an_answered_or_closed_referral_is_not_stuck(
    actor, family_a, child_a, caregiver_a, clinician_a, changes
):
    helpers.sent_referral(
        child_a, caregiver_a, clinician_a, requested_at=NOW - timedelta(days=20), **changes
    )

    assert found(actor) == {}


def test_a_confidential_referral_counts_only_for_who_may_see_it(
    actor, practice_a, staff_a, family_a, child_a, caregiver_a, clinician_a
):
    helpers.sent_referral(
        child_a, caregiver_a, clinician_a, requested_at=NOW - timedelta(days=20), confidential=True
    )
    worker = factories.actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )

    assert found(actor) == {family_a.pk: {"stuck_referrals": 1}}
    assert found(worker) == {}


def test_a_missed_visit_in_the_window(actor, family_a, child_a):
    helpers.missed_visit(child_a, days_ago=91)
    helpers.missed_visit(child_a, days_ago=10, status=VisitStatus.CANCELLED)
    helpers.missed_visit(child_a, days_ago=5, status=VisitStatus.COMPLETED)
    assert found(actor) == {}

    helpers.missed_visit(child_a, days_ago=89)

    assert found(actor) == {family_a.pk: {"missed_visits": 1}}


def test_a_confidential_missed_visit_counts_only_for_who_may_see_it(
    actor, practice_a, staff_a, family_a, child_a
):
    helpers.missed_visit(child_a, days_ago=3, confidential=True)
    worker = factories.actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )

    assert found(actor) == {family_a.pk: {"missed_visits": 1}}
    assert found(worker) == {}


def test_repeated_ed_visits_in_six_months(actor, family_a, child_a):
    six_months_ago = months_before(NOW, 6)
    helpers.ed_visit(child_a, started_at=six_months_ago - timedelta(minutes=1))
    helpers.ed_visit(child_a, started_at=NOW - timedelta(days=3), retracted=True)
    helpers.ed_visit(child_a, started_at=NOW - timedelta(days=30))
    assert found(actor) == {}

    helpers.ed_visit(child_a, started_at=six_months_ago)

    assert found(actor) == {family_a.pk: {"repeated_ed_visits": 2}}


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert months_before(NOW, 6) == NOW.replace(year=2025, month=12)
    assert months_before(NOW.replace(month=8, day=31), 6) == NOW.replace(month=2, day=28)


def test_most_reasons_first_then_the_oldest_and_the_filter(actor, practice_a, family_a, child_a):
    other, other_child, _ = helpers.another_family(practice_a)
    third, third_child, _ = helpers.another_family(practice_a, "Okafor family")
    helpers.missed_visit(child_a, days_ago=5)
    helpers.missed_visit(other_child, days_ago=20)
    helpers.missed_visit(third_child, days_ago=1)
    helpers.ed_visit(third_child, started_at=NOW - timedelta(days=2))
    helpers.ed_visit(third_child, started_at=NOW - timedelta(days=1))

    order = [row.family_id for row in needing_attention(actor, now=NOW)]

    assert order == [third.pk, other.pk, family_a.pk]
    assert list(found(actor, reason="repeated_ed_visits")) == [third.pk]


def test_another_practice_families_are_never_found(actor, clinician_b, practice_b, child_b):
    helpers.missed_visit(child_b, days_ago=5)
    actor_b = factories.actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)

    assert found(actor) == {}
    assert list(found(actor_b)) == [child_b.family_id]


def test_a_role_without_the_capability_finds_nothing(practice_a, staff_a, child_a):
    helpers.missed_visit(child_a, days_ago=5)
    desk = factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)

    assert found(desk) == {}


def _families_with_every_reason(practice, clinician, n: int) -> None:
    for index in range(n):
        _family, child, caregiver = helpers.another_family(practice, f"Family {index}")
        helpers.tasks(child, 3)
        helpers.missed_visit(child, days_ago=4)
        helpers.ed_visit(child, started_at=NOW - timedelta(days=2))
        helpers.ed_visit(child, started_at=NOW - timedelta(days=1))
        helpers.sent_referral(child, caregiver, clinician, requested_at=NOW - timedelta(days=20))


def test_the_list_takes_the_same_queries_for_many_families(actor, practice_a, clinician_a):
    _families_with_every_reason(practice_a, clinician_a, 1)

    def listed() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = rows_of(actor, needing_attention(actor, now=NOW))
            assert all(len(row.reasons) == 4 for row in rows)
        return len(queries)

    listed()  # the practice's referral settings are made on first use
    few = listed()
    _families_with_every_reason(practice_a, clinician_a, 5)

    # 10, and two for the families' languages against the team's speakers (casereview.languages).
    assert listed() == few <= 12


def test_rules_default_to_the_documented_values(settings):
    del settings.MEDHOME_CASE_REVIEW
    assert Rules() == Rules(3, 90, 2, 6)


def test_a_positive_screen_still_pending_after_the_set_days_is_found(
    actor, family_a, child_a, caregiver_a, clinician_a
):
    from medhome.nextsteps.models import Outcome, PositiveScreen

    screen = factories.screening_with_alert(child_a, caregiver_a, clinician_a)
    step = factories.next_step(screen["administration"])
    pending = PositiveScreen.objects.filter(pk=step.positive_screen_id)
    pending.update(found_at=NOW - timedelta(days=13, hours=23))
    assert found(actor) == {}

    pending.update(found_at=NOW - timedelta(days=14, seconds=1))
    assert found(actor) == {family_a.pk: {"unfollowed_screens": 1}}

    pending.update(outcome=Outcome.FOLLOWED_UP)
    assert found(actor) == {}
