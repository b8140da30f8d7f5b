"""Referral follow-ups: planned N days after sending for the consenting caregiver, never for a
safety referral or the adolescent's own, dropped at the last moment once the referral closed."""

from datetime import timedelta

import pytest
from django.core import mail

from medhome.accounts.roles import Role
from medhome.jobs import registry
from medhome.messaging.gateways import locmem
from medhome.messaging.models import Message, MessageKind, MessageStatus
from medhome.messaging.services import wanted
from medhome.messaging.services.referral_follow_up import (
    plan_all_referral_follow_ups,
    plan_referral_follow_ups,
)
from medhome.messaging.services.sending import send_due_messages
from medhome.portal.models import FamilyLink, Purpose
from medhome.referrals import services as referrals
from medhome.referrals.models import Referral
from tests import factories
from tests.factories import actor_for

from .helpers import AT, consent, family

pytestmark = pytest.mark.django_db
# Sent ten days before AT (Monday 9 March 2026, 9 am): the follow-up is due on AT's day.
SENT = AT.replace(hour=12) - timedelta(days=10)
# Planned for 10:00 (MEDHOME_MESSAGING["reminder_time"]), held to Marisol's Monday 17–19 window.
EVENING = AT.replace(hour=17)


@pytest.fixture
def user(staff_a):
    return staff_a[Role.CARE_COORDINATOR]


def referral_for(child, caregiver, user, name="Harbor Pantry", *, sent=SENT, **changes):
    referral = factories.sent_referral(child, caregiver, user, factories.organization(name))
    Referral.objects.filter(pk=referral.pk).update(requested_at=sent, **changes)
    referral.refresh_from_db()
    return referral


def test_planned_on_the_due_day_for_the_consenting_caregiver_in_spanish(
    practice_a, child_a, caregiver_a, user, django_assert_max_num_queries
):
    consent(caregiver_a, "text")
    referral = referral_for(child_a, caregiver_a, user)

    before = plan_referral_follow_ups(practice=practice_a, at=AT - timedelta(hours=10))
    with django_assert_max_num_queries(25):
        due = plan_referral_follow_ups(practice=practice_a, at=AT)
    again = plan_referral_follow_ups(practice=practice_a, at=AT + timedelta(hours=5))

    assert (before.created, due.created, again.created) == (0, 1, 0)
    message = Message.objects.get()
    assert message.idempotency_key == f"referral_follow_up:{referral.pk}:10"
    assert (message.kind, message.caregiver, message.child) == (
        MessageKind.REFERRAL_FOLLOW_UP,
        caregiver_a,
        child_a,
    )
    assert (message.link_purpose, message.subject_id) == ("referral_status", str(referral.pk))
    assert message.language == "es" and "¿recibió la ayuda" in message.body
    assert "Harbor Pantry" not in message.body and "food" not in message.body
    assert message.send_after == EVENING and message.status == MessageStatus.HELD


def test_a_practice_may_ask_twice(settings, practice_a, child_a, caregiver_a, user):
    settings.MEDHOME_MESSAGING = {**settings.MEDHOME_MESSAGING, "referral_follow_up_days": [20, 10]}
    consent(caregiver_a, "text")
    referral = referral_for(child_a, caregiver_a, user, sent=SENT - timedelta(days=10))

    plan_referral_follow_ups(practice=practice_a, at=AT)

    assert set(Message.objects.values_list("idempotency_key", flat=True)) == {
        f"referral_follow_up:{referral.pk}:10",
        f"referral_follow_up:{referral.pk}:20",
    }


def test_closed_past_close_due_safety_and_confidential_referrals_get_none(
    practice_a, family_a, child_a, caregiver_a, user
):
    consent(caregiver_a, "text")
    referral_for(child_a, caregiver_a, user, "Closed", status="completed", outcome="need_met")
    referral_for(child_a, caregiver_a, user, "Old", sent=AT - timedelta(days=31))
    referral_for(child_a, caregiver_a, user, "Safe House", need="safety")
    referral_for(child_a, caregiver_a, user, "Teen Clinic", confidential=True)
    draft = factories.sent_referral(child_a, caregiver_a, user, factories.organization("Draft"))
    Referral.objects.filter(pk=draft.pk).update(status="draft", requested_at=SENT)

    assert plan_referral_follow_ups(practice=practice_a, at=AT).created == 0
    assert not Message.objects.exists()


def test_only_the_caregiver_who_consented_is_asked(practice_a, family_a, child_a, user):
    rafael = factories.add_caregiver(
        family_a, given_name="Rafael", phone="+16175550100", preferred_language="en"
    )
    consent(rafael, "text")
    referral_for(child_a, rafael, user)

    plan_referral_follow_ups(practice=practice_a, at=AT)

    message = Message.objects.get()
    assert message.caregiver == rafael
    assert message.language == "en" and "did you get the help" in message.body


def test_sent_with_the_status_link_bound_to_the_caregiver(practice_a, child_a, caregiver_a, user):
    consent(caregiver_a, "text")
    referral_for(child_a, caregiver_a, user)
    plan_referral_follow_ups(practice=practice_a, at=AT)

    assert send_due_messages(at=EVENING) == 1

    [accepted] = locmem.outbox
    assert "/r/" in accepted.text.body
    link = FamilyLink.objects.get()
    assert (link.purpose, link.caregiver, link.child) == (
        Purpose.REFERRAL_STATUS,
        caregiver_a,
        child_a,
    )
    assert "x" * 43 in Message.objects.get().body  # the token is never kept


def test_not_sent_once_the_referral_closed(practice_a, child_a, caregiver_a, user):
    consent(caregiver_a, "text")
    referral = referral_for(child_a, caregiver_a, user)
    plan_referral_follow_ups(practice=practice_a, at=AT)
    Referral.objects.filter(pk=referral.pk).update(status="cancelled")

    assert send_due_messages(at=EVENING) == 0

    message = Message.objects.get()
    assert (message.status, message.error_code) == (MessageStatus.SUPPRESSED, "referral_closed")
    assert not locmem.outbox and not FamilyLink.objects.exists()


def test_not_sent_once_consent_is_revoked_or_entered_in_error(
    practice_a, child_a, caregiver_a, user, staff_a
):
    consent(caregiver_a, "text")
    revoked = referral_for(child_a, caregiver_a, user, "Harbor Pantry")
    erased = referral_for(child_a, caregiver_a, user, "Tidewater Pantry")
    plan_referral_follow_ups(practice=practice_a, at=AT)
    coordinator = actor_for(user, practice_a, Role.CARE_COORDINATOR)
    referrals.revoke_consent(actor=coordinator, referral=revoked, reason="asked us to", at=AT)
    Referral.objects.filter(pk=erased.pk).update(status="entered_in_error")

    messages = {m.subject_id: m for m in Message.objects.all()}
    assert wanted.why_not(messages[str(revoked.pk)], EVENING) == "referral_not_visible"
    assert wanted.why_not(messages[str(erased.pk)], EVENING) == "referral_not_visible"


def test_the_daily_job_is_registered_and_plans_every_practice(
    practice_a, child_a, caregiver_a, user
):
    consent(caregiver_a, "text")
    referral_for(child_a, caregiver_a, user)

    job = registry.get("messaging.plan_referral_follow_ups")

    assert job.every == timedelta(days=1)
    assert job.run(now=AT) == 1
    assert plan_all_referral_follow_ups(at=AT) == 0


def test_a_bounced_text_falls_back_to_email_with_the_real_link(practice_a, user):
    child, caregiver = family(
        practice_a, phone="+12025550100", email="marisol@example.org", preferred_language="en"
    )
    consent(caregiver, "text", "email")
    referral_for(child, caregiver, user)
    plan_referral_follow_ups(practice=practice_a, at=AT)

    send_due_messages(at=EVENING)
    send_due_messages(at=EVENING)

    statuses = dict(Message.objects.values_list("channel", "status"))
    assert statuses == {"text": MessageStatus.BOUNCED, "email": MessageStatus.SENT}
    [email] = mail.outbox
    assert email.subject == "Did you get help?"
    assert "/r/" in email.body and "x" * 43 not in email.body
    # One link per attempt (the bounced text's token was never seen by anyone nor kept).
    assert set(FamilyLink.objects.values_list("purpose", flat=True)) == {Purpose.REFERRAL_STATUS}
