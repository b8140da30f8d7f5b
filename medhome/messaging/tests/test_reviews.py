"""Care-plan review reminders: to whom, when, the link made at sending, and a changed date."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.careplan import services as plans
from medhome.families.models import PanelMembership
from medhome.jobs import registry
from medhome.messaging.gateways import locmem
from medhome.messaging.models import Message, MessageKind, MessageStatus
from medhome.messaging.services.common import system_actor
from medhome.messaging.services.consents import record_consent
from medhome.messaging.services.reviews import plan_care_plan_reviews
from medhome.messaging.services.sending import send_due_messages
from medhome.portal.models import FamilyLink
from tests import factories

from .helpers import AT, DAY, consent, family

pytestmark = pytest.mark.django_db
REVIEW_ON = DAY + timedelta(days=7)  # Monday 16 March: reminded on Monday 9 March at 10


def _plan(child, user, review_on=REVIEW_ON):
    actor = factories.actor_for(user, child.practice, Role.CARE_COORDINATOR)
    plan = plans.ensure_plan(actor=actor, child=child, at=AT)
    return plans.update_plan(actor=actor, plan=plan, version=None, review_on=review_on, at=AT)


def _on_team(plan, caregiver, user):
    actor = factories.actor_for(user, plan.practice, Role.CARE_COORDINATOR)
    plans.add_team_member(actor=actor, plan=plan, kind="caregiver", caregiver=caregiver, at=AT)


def test_the_primary_contact_is_reminded_a_week_before_with_the_plan_link(
    client, practice_a, coordinator, django_assert_max_num_queries
):
    child, caregiver = family(practice_a, windows=[])
    consent(caregiver, "text")
    plan = _plan(child, coordinator)

    with django_assert_max_num_queries(20):
        first = plan_care_plan_reviews(practice=practice_a, at=AT)
    again = plan_care_plan_reviews(practice=practice_a, at=AT + timedelta(hours=1))

    assert (first.created, again.created) == (1, 0)
    message = Message.objects.get()
    assert (message.kind, message.caregiver, message.link_purpose) == (
        MessageKind.CARE_PLAN_REVIEW,
        caregiver,
        "care_plan",
    )
    assert message.idempotency_key == f"care_plan_review:{plan.pk}:2026-03-16:{caregiver.pk}"
    assert message.send_after == AT.replace(hour=10)
    assert not FamilyLink.objects.exists()  # made when it is sent

    assert send_due_messages(at=AT.replace(hour=10)) == 1
    [text] = locmem.outbox
    link = FamilyLink.objects.get()
    assert (link.purpose, link.caregiver, link.language) == ("care_plan", caregiver, "es")
    token = text.text.body.split("/p/")[1].split("/")[0]
    assert token and token not in Message.objects.get().body
    assert "plan de cuidado" in text.text.body and "Sofía" not in text.text.body
    with time_machine.travel(AT.replace(hour=11), tick=False):
        assert client.get(reverse("portal:plan", args=[token])).status_code == 200


def test_caregivers_on_the_team_are_reminded_rather_than_the_primary_contact(
    practice_a, coordinator
):
    child, primary = family(practice_a, windows=[])
    other = factories.add_caregiver(
        child.family,
        windows=[],
        given_name="Luis",
        is_primary_contact=False,
        phone="",
        preferred_channel="email",
        email="luis@example.org",
    )
    consent(other, "email")
    plan = _plan(child, coordinator)
    _on_team(plan, other, coordinator)

    assert plan_care_plan_reviews(practice=practice_a, at=AT).created == 1

    assert list(Message.objects.values_list("caregiver", flat=True)) == [other.pk]
    assert primary.pk not in Message.objects.values_list("caregiver", flat=True)


@pytest.mark.parametrize(
    ("review_on", "planned"),
    [
        (DAY + timedelta(days=8), 0),  # too early
        (DAY + timedelta(days=3), 1),  # set closer than a week: reminded at once
        (DAY, 0),  # today: too late
        (None, 0),
    ],
)
def test_the_review_window(practice_a, coordinator, review_on, planned):
    child, caregiver = family(practice_a, windows=[])
    consent(caregiver, "text")
    _plan(child, coordinator, review_on=review_on)
    assert plan_care_plan_reviews(practice=practice_a, at=AT).created == planned
    if planned:
        assert Message.objects.get().send_after == AT


@pytest.mark.parametrize("case", ["adult", "off_panel"])
def test_no_reminder_for_an_adult_or_a_child_off_the_panel(practice_a, coordinator, case):
    born = date(2008, 1, 5) if case == "adult" else date(2020, 1, 5)
    child, caregiver = family(practice_a, born=born, windows=[])
    consent(caregiver, "text")
    _plan(child, coordinator)
    if case == "off_panel":
        PanelMembership.objects.filter(child=child).update(ends_on=DAY)
    assert plan_care_plan_reviews(practice=practice_a, at=AT).created == 0


def test_a_new_review_date_plans_anew_and_the_old_one_is_not_sent(practice_a, coordinator):
    child, caregiver = family(practice_a, windows=[])
    consent(caregiver, "text")
    plan = _plan(child, coordinator)
    plan_care_plan_reviews(practice=practice_a, at=AT)
    actor = factories.actor_for(coordinator, practice_a, Role.CARE_COORDINATOR)
    plans.update_plan(
        actor=actor, plan=plan, version=None, review_on=REVIEW_ON - timedelta(days=2), at=AT
    )

    assert plan_care_plan_reviews(practice=practice_a, at=AT).created == 1
    assert send_due_messages(at=AT.replace(hour=10)) == 1

    old, new = Message.objects.order_by("created_at", "idempotency_key")
    by_date = {m.idempotency_key.split(":")[2]: m for m in (old, new)}
    assert by_date["2026-03-16"].status == MessageStatus.SUPPRESSED
    assert by_date["2026-03-16"].error_code == "review_changed"
    assert by_date["2026-03-14"].status == MessageStatus.SENT


def test_a_removed_review_date_is_not_sent(practice_a, coordinator):
    child, caregiver = family(practice_a, windows=[])
    consent(caregiver, "text")
    plan = _plan(child, coordinator)
    plan_care_plan_reviews(practice=practice_a, at=AT)
    actor = factories.actor_for(coordinator, practice_a, Role.CARE_COORDINATOR)
    plans.update_plan(actor=actor, plan=plan, version=None, review_on=None, at=AT)

    assert send_due_messages(at=AT.replace(hour=10)) == 0
    assert Message.objects.get().error_code == "review_changed"


def test_the_fallback_to_email_keeps_the_link_and_the_check(practice_a, coordinator):
    child, caregiver = family(practice_a, windows=[], email="marisol@example.org")
    consent(caregiver, "text", "email")
    _plan(child, coordinator)
    plan_care_plan_reviews(practice=practice_a, at=AT)
    record_consent(  # the family then withdraws consent to texts
        actor=system_actor(practice_a),
        caregiver=caregiver,
        channel="text",
        granted=False,
        method="verbal",
        at=AT,
    )

    send_due_messages(at=AT.replace(hour=10))
    send_due_messages(at=AT.replace(hour=10, minute=1))

    first, moved = Message.objects.get(channel="text"), Message.objects.get(channel="email")
    assert first.error_code == "no_consent"
    assert (moved.link_purpose, moved.subject_id) == ("care_plan", first.subject_id)
    assert moved.status == MessageStatus.SENT
    assert FamilyLink.objects.get().channel == "email"


def test_the_sweep_runs_daily(practice_a, coordinator):
    child, caregiver = family(practice_a, windows=[])
    consent(caregiver, "text")
    _plan(child, coordinator)
    job = registry.get("messaging.plan_care_plan_reviews")
    assert job.every == timedelta(days=1)
    assert job.run(now=AT) == 1
