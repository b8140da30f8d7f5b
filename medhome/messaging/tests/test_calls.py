"""The phone-call list: reminders staff phone or hand over themselves, and the call's outcome."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.messaging.models import CallOutcome, Message, MessageStatus
from medhome.messaging.services.common import MESSAGE_OBJECT
from medhome.messaging.services.planning import plan_visit_reminders
from medhome.tasks.models import Task, TaskKind
from tests import factories

from .helpers import AT, DAY, INFANT, VISIT_AT, consent

pytestmark = pytest.mark.django_db
LATER_VISIT_AT = "2026-03-11 10:00:00-04:00"  # Wednesday: its reminder is phoned on Tuesday


def household(practice, name: str, channel: str, *, mrn: str, phone: str, visit=VISIT_AT, **more):
    _family, child, caregiver = factories.register(
        practice,
        family_name=name,
        caregiver=factories.caregiver_values(
            given_name=name.split()[0], preferred_channel=channel, phone=phone, **more
        ),
        child=factories.child_values(date_of_birth=INFANT, mrn=mrn),
    )
    factories.schedule_visit(child, at=visit)
    return child, caregiver


def reminder_of(caregiver) -> Message:
    return Message.objects.get(caregiver=caregiver)


@pytest.fixture
def at_nine(time_machine):
    time_machine.move_to(AT)


@pytest.fixture
def families(practice_a, practice_b, at_nine) -> dict:
    found = {
        "phone": household(
            practice_a, "Okafor household", "phone", mrn="M-1", phone="+16175550101"
        ),
        "text": household(practice_a, "Tanaka household", "text", mrn="M-2", phone="+16175550102"),
        "print": household(practice_a, "Silva household", "print", mrn="M-3", phone=""),
        "in_person": household(
            practice_a,
            "Haddad household",
            "in_person",
            mrn="M-4",
            phone="",
            preferred_language="en",
        ),
        "tomorrow": household(
            practice_a,
            "Novak household",
            "phone",
            mrn="M-5",
            phone="+16175550105",
            visit=LATER_VISIT_AT,
        ),
        "other": household(
            practice_b, "Lindqvist household", "phone", mrn="B-1", phone="+16175550109"
        ),
    }
    consent(found["text"][1], "text")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)
    plan_visit_reminders(practice=practice_a, day=DAY + timedelta(days=1), at=AT)
    plan_visit_reminders(practice=practice_b, day=DAY, at=AT)
    return found


def test_the_list_shows_exactly_the_reminders_to_phone_today(log_in, staff_a, practice_a, families):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)

    page = client.get(reverse("messaging:calls")).content.decode()
    calls, hand = page.split('id="hand-heading"')

    assert "Okafor household" in calls and "(617) 555-0101" in calls
    assert "Monday 17:00–19:00" in calls or "17:00" in calls  # the family's good times
    for absent in ("Tanaka", "Silva", "Haddad", "Novak", "Lindqvist"):
        assert absent not in calls
    assert reverse("messaging:call_outcome", args=[reminder_of(families["phone"][1]).pk]) in calls
    # The list to hand or mail: print and in-person families, the address, their language's text.
    assert "Silva" in hand and "Haddad" in hand and "12 Meridian Street" in hand
    assert "le recordamos" in hand and "a reminder of your child" in hand
    for absent in ("Okafor", "Tanaka", "Novak", "Lindqvist"):
        assert absent not in hand
    assert "/f/" not in hand  # no family link on paper
    assert reverse("messaging:calls") in client.get(reverse("messaging:outbox")).content.decode()


def test_the_page_reads_its_rows_in_a_fixed_number_of_queries(
    log_in, staff_a, practice_a, families
):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("messaging:calls")).status_code == 200
    for n in range(3):
        household(practice_a, f"Extra{n} household", "phone", mrn=f"X-{n}", phone=f"+1617555020{n}")
        household(practice_a, f"Paper{n} household", "print", mrn=f"P-{n}", phone="")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("messaging:calls")).content.decode()

    assert "Extra2 household" in page and "Paper2 household" in page
    # The page's own: the practice's calendar, the reminders with their families, the hours;
    # the rest is the session, the login, the practice and the menu's counts.
    assert len(many) == len(few) == 8


@pytest.mark.parametrize("outcome", CallOutcome.values)
def test_recording_each_outcome_works_the_same_row_once(
    log_in, staff_a, practice_a, families, outcome
):
    caregiver = families["phone"][1]
    message = reminder_of(caregiver)
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    url = reverse("messaging:call_outcome", args=[message.pk])

    first = client.post(url, {"outcome": outcome})
    again = client.post(url, {"outcome": CallOutcome.REACHED})

    assert first.status_code == again.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.call_outcome, message.called_by) == (
        MessageStatus.CALLED,
        outcome,
        staff_a[Role.COMMUNITY_HEALTH_WORKER],
    )
    assert Message.objects.filter(caregiver=caregiver).count() == 1
    audited = AuditEvent.objects.for_object(MESSAGE_OBJECT, message.pk).filter(action="update")
    assert [e.detail["call_outcome"] for e in audited] == [outcome]
    tasks = list(Task.objects.filter(kind=TaskKind.FAMILY_UNREACHABLE))
    assert len(tasks) == (1 if outcome == CallOutcome.WRONG_NUMBER else 0)
    if tasks:
        assert tasks[0].child == families["phone"][0]
    assert "Okafor household" not in client.get(reverse("messaging:calls")).content.decode()


def test_an_unknown_outcome_is_refused(log_in, staff_a, practice_a, families):
    message = reminder_of(families["phone"][1])
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    response = client.post(reverse("messaging:call_outcome", args=[message.pk]), {"outcome": "x"})

    assert response.status_code == 400
    message.refresh_from_db()
    assert message.status == MessageStatus.SUPPRESSED


def test_another_practices_reminder_is_refused(log_in, staff_a, practice_a, families):
    message = reminder_of(families["other"][1])
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)

    response = client.post(
        reverse("messaging:call_outcome", args=[message.pk]), {"outcome": "reached"}
    )

    assert response.status_code == 404
    message.refresh_from_db()
    assert (message.status, message.call_outcome) == (MessageStatus.SUPPRESSED, "")


@pytest.mark.parametrize("role", [Role.LEGAL_PARTNER, Role.NETWORK_ANALYST])
def test_roles_without_messages_are_refused(log_in, staff_a, practice_a, families, role):
    message = reminder_of(families["phone"][1])
    client = log_in(staff_a[role], practice_a)

    page = client.get(reverse("messaging:calls"))
    post = client.post(reverse("messaging:call_outcome", args=[message.pk]), {"outcome": "reached"})

    assert (page.status_code, post.status_code) == (403, 403)
    message.refresh_from_db()
    assert message.status == MessageStatus.SUPPRESSED


def test_the_page_speaks_spanish(log_in, staff_a, practice_a, families, settings):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    page = client.get(reverse("messaging:calls")).content.decode()

    assert "Para llamar hoy" in page and "Número equivocado" in page
    assert "Para entregar o enviar por correo" in page


def test_a_recall_for_a_family_who_prefers_a_call_or_paper_is_on_the_lists(
    log_in, staff_a, practice_a, at_nine
):
    from medhome.messaging.models import MessageKind
    from medhome.messaging.services.outreach import Outreach, plan_outreach

    callers = household(practice_a, "Okafor household", "phone", mrn="M-1", phone="+16175550101")
    readers = household(practice_a, "Silva household", "print", mrn="M-3", phone="")
    plan_outreach(
        practice=practice_a,
        items=[
            Outreach(
                key=f"recall:{child.pk}:1",
                kind=MessageKind.RECALL,
                caregiver=caregiver,
                child=child,
                desired=AT,
            )
            for child, caregiver in (callers, readers)
        ],
        at=AT,
    )
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)
    calls, hand = client.get(reverse("messaging:calls")).content.decode().split('id="hand-heading"')

    recall = Message.objects.get(kind=MessageKind.RECALL, caregiver=callers[1])
    assert "Okafor household" in calls and "Recall" in calls
    assert reverse("messaging:call_outcome", args=[recall.pk]) in calls
    # On paper: the words without a link and without "Reply STOP".
    assert "Silva" in hand and "ya es hora del chequeo" in hand and "STOP" not in hand

    client.post(
        reverse("messaging:call_outcome", args=[recall.pk]), {"outcome": CallOutcome.REACHED}
    )
    recall.refresh_from_db()
    assert (recall.status, recall.call_outcome) == (MessageStatus.CALLED, CallOutcome.REACHED)
