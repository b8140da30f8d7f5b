"""Recall (services/recall.py): who is recalled, once per window, and the last-moment check."""

from datetime import date, timedelta

import pytest

from medhome.families.models import PanelMembership
from medhome.messaging.models import Message, MessageKind, MessageStatus
from medhome.messaging.services.recall import (
    plan_all_recalls,
    plan_recalls,
    recall_candidates,
)
from medhome.messaging.services.sending import send_due_messages
from medhome.messaging.services.wanted import why_not
from tests import factories

from .helpers import AT, DAY, clear_gateway, consent, family

pytestmark = pytest.mark.django_db

OVERDUE = date(2025, 12, 1)  # the 2-month visit overdue on DAY
DUE = date(2026, 1, 5)  # the 2-month visit due, not overdue, on DAY
TEEN = date(2014, 1, 20)  # the 12-year visit overdue for months around DAY


@pytest.fixture(autouse=True)
def _gateway():
    clear_gateway()
    yield
    clear_gateway()


def recalled(practice, on=DAY, at=AT, **kwargs):
    return plan_recalls(practice=practice, on=on, at=at, **kwargs)


def candidate_ids(practice, on=DAY):
    return {c.child.pk for c in recall_candidates(practice, on)}


def test_an_overdue_child_is_recalled_and_a_child_merely_due_is_not(practice_a):
    overdue, _ = family(practice_a, born=OVERDUE, mrn="M-1")
    due, _ = family(practice_a, born=DUE, mrn="M-2")

    candidates = recall_candidates(practice_a, DAY)

    assert [c.child.pk for c in candidates] == [overdue.pk]
    assert candidates[0].visit_overdue
    assert due.pk not in candidate_ids(practice_a)


def test_a_booked_well_child_visit_takes_the_child_off_the_recall(practice_a):
    booked, _ = family(practice_a, born=OVERDUE, mrn="M-1")
    sick_only, _ = family(practice_a, born=OVERDUE, mrn="M-2")
    factories.schedule_visit(booked, at="2026-03-20 09:00:00-04:00")
    factories.schedule_visit(sick_only, at="2026-03-20 10:00:00-04:00", kind="sick")
    # A well-child visit that already happened (booked in the past) books nothing ahead.
    factories.schedule_visit(sick_only, at="2026-03-01 10:00:00-05:00")

    assert candidate_ids(practice_a) == {sick_only.pk}


def test_a_child_off_the_panel_is_not_recalled(practice_a):
    child, _ = family(practice_a, born=OVERDUE)
    PanelMembership.objects.filter(child=child).update(ends_on=DAY, end_reason="moved")

    assert candidate_ids(practice_a) == set()
    assert recalled(practice_a).created == 0


def test_another_practices_children_are_never_recalled(practice_a, practice_b):
    own, carer = family(practice_a, born=OVERDUE, mrn="M-1")
    other, other_carer = family(practice_b, born=OVERDUE, mrn="M-1")
    consent(carer, "text")
    consent(other_carer, "text")

    assert candidate_ids(practice_a) == {own.pk}
    assert recalled(practice_a, child_ids=[own.pk, other.pk]).created == 1
    assert not Message.objects.filter(child=other).exists()


def test_two_sweeps_plan_one_recall(practice_a):
    child, carer = family(practice_a, born=OVERDUE)
    consent(carer, "text")

    first = plan_all_recalls(at=AT)
    second = plan_all_recalls(at=AT + timedelta(hours=1))

    assert (first, second) == (1, 0)
    message = Message.objects.get(child=child)
    assert message.kind == MessageKind.RECALL
    assert message.caregiver == carer
    assert message.idempotency_key.startswith(f"recall:{child.pk}:")


def test_a_child_recalled_within_the_window_is_not_recalled_again(practice_a, settings):
    settings.MEDHOME_MESSAGING = {"recall_every_days": 30}
    child, carer = family(practice_a, born=TEEN)
    consent(carer, "text")
    recalled(practice_a)

    # Day 29 may fall in the next key window: the last recall's date still holds it back.
    again_soon = [recalled(practice_a, on=DAY + timedelta(days=d)).created for d in (1, 29)]
    later = recalled(practice_a, on=DAY + timedelta(days=30), at=AT + timedelta(days=30))

    assert again_soon == [0, 0]
    assert later.created == 1
    assert Message.objects.filter(child=child).count() == 2


def test_a_spanish_speaking_family_gets_the_spanish_text(practice_a):
    child, carer = family(practice_a, born=OVERDUE, preferred_language="es")
    english, english_carer = family(
        practice_a, born=OVERDUE, mrn="M-2", preferred_language="en", phone="+16175550199"
    )
    consent(carer, "text")
    consent(english_carer, "text")

    recalled(practice_a)

    spanish = Message.objects.get(child=child)
    assert (spanish.language, spanish.status) == ("es", MessageStatus.HELD)
    assert "ya es hora del chequeo" in spanish.body
    assert "Responda STOP" in spanish.body
    assert "it is time for your child's checkup" in Message.objects.get(child=english).body


def test_the_link_carries_the_caregivers_screens_never_the_adolescents_own(practice_a):
    teen, carer = family(practice_a, born=TEEN)
    infant, infant_carer = family(practice_a, born=OVERDUE, mrn="M-2", phone="+16175550199")
    consent(carer, "text")
    consent(infant_carer, "text")

    recalled(practice_a)

    teen_rows = Message.objects.get(child=teen).link_rows
    assert "depression_suicide" not in teen_rows
    infant_message = Message.objects.get(child=infant)
    assert "caregiver_depression" in infant_message.link_rows
    assert infant_message.link_purpose == "screening"


def test_a_family_who_prefers_a_call_gets_the_recall_kept_for_the_call_list(practice_a):
    child, _carer = family(practice_a, born=OVERDUE, preferred_channel="phone")

    assert recalled(practice_a).suppressed == 1
    message = Message.objects.get(child=child)
    assert (message.status, message.error_code, message.channel) == (
        MessageStatus.SUPPRESSED,
        "no_channel",
        "phone",
    )


def test_the_recall_is_not_sent_once_a_visit_is_booked(practice_a):
    child, carer = family(practice_a, born=OVERDUE, windows=[])
    consent(carer, "text")
    recalled(practice_a)
    factories.schedule_visit(child, at="2026-03-20 09:00:00-04:00")

    send_due_messages(at=AT + timedelta(minutes=1))

    message = Message.objects.get(child=child)
    assert (message.status, message.error_code) == (MessageStatus.SUPPRESSED, "visit_booked")


def test_the_recall_is_not_sent_once_the_child_left_the_panel(practice_a):
    child, carer = family(practice_a, born=OVERDUE, windows=[])
    consent(carer, "text")
    recalled(practice_a)
    message = Message.objects.get(child=child)
    assert why_not(message, AT) == ""

    PanelMembership.objects.filter(child=child).update(ends_on=DAY, end_reason="moved")

    assert why_not(message, AT) == "not_on_panel"


def test_a_recall_still_wanted_is_sent(practice_a):
    child, carer = family(practice_a, born=OVERDUE, windows=[])
    consent(carer, "text")
    recalled(practice_a)

    sent = send_due_messages(at=AT + timedelta(minutes=1))

    assert sent == 1
    assert Message.objects.get(child=child).status in (MessageStatus.SENT, MessageStatus.DELIVERED)


def test_a_well_child_visit_that_took_place_since_the_recall_stops_it(practice_a):
    child, carer = family(practice_a, born=OVERDUE, windows=[])
    consent(carer, "text")
    recalled(practice_a)
    visit = factories.schedule_visit(child, at="2026-03-09 08:30:00-04:00")
    visit.status = "completed"
    visit.save(update_fields=["status"])

    assert why_not(Message.objects.get(child=child), AT) == "visit_booked"
