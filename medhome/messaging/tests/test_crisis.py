"""Words of crisis in a family's text: an urgent task for a clinician and the 988/911 text at
once, before any keyword is read."""

import pytest

from medhome.accounts.roles import Role
from medhome.messaging.crisis import has_crisis_words
from medhome.messaging.gateways import locmem
from medhome.messaging.models import InboundText, Message, MessageKind, MessageStatus, OptOut
from medhome.messaging.services.replies import receive_text
from medhome.tasks.models import Task, TaskKind, TaskPriority

from .helpers import AT, consent, family

pytestmark = pytest.mark.django_db
NUMBER = "+16175550142"  # the helpers' caregiver (Spanish-speaking)

# One sentence per class, in English and Spanish.
PHRASES = [
    ("suicide", "en", "I keep thinking about suicide"),
    ("suicide", "es", "pienso en el suicidio"),
    ("want_to_die", "en", "I just want to die"),
    ("want_to_die", "es", "ya me quiero morir"),
    ("self_harm", "en", "I want to hurt myself"),
    ("self_harm", "es", "quiero hacerme daño"),
    ("harm_others", "en", "I am so angry I could kill him"),
    ("harm_others", "es", "voy a matarlo"),
    ("emergency", "en", "This is an EMERGENCY"),
    ("emergency", "es", "Es una emergencia!"),
    ("abuse", "en", "he hits me when he drinks"),
    ("abuse", "es", "mi esposo me pega"),
]


def _receive(practice, body, number=NUMBER, sid="IN1"):
    return receive_text(
        practice=practice, from_number=number, body=body, gateway_message_id=sid, at=AT
    )


@pytest.mark.parametrize(("kind", "language", "body"), PHRASES)
def test_each_class_in_each_language_alerts_and_answers(practice_a, kind, language, body):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")

    inbound = _receive(practice_a, body)

    assert inbound.crisis and inbound.keyword == ""
    task = Task.objects.get()
    assert (task.kind, task.priority, task.child) == (
        TaskKind.CRISIS_TEXT,
        TaskPriority.URGENT,
        child,
    )
    assert task.assignee_role == Role.PEDIATRICIAN
    assert task.source_url == f"/children/{child.pk}/messages/"
    assert body.lower() not in task.title.lower() and str(inbound.pk)[:8] in task.title
    [sent] = locmem.outbox
    assert "988" in sent.text.body and "911" in sent.text.body
    assert "llame" in sent.text.body  # the caregiver reads Spanish
    message = Message.objects.get()
    assert message.kind == MessageKind.CRISIS_REPLY and message.status == MessageStatus.SENT
    assert message.idempotency_key == f"crisis_reply:{inbound.pk}"


@pytest.mark.parametrize(("kind", "language", "body"), PHRASES)
def test_the_lists_catch_each_sentence(kind, language, body):
    assert has_crisis_words(body)


@pytest.mark.parametrize(
    "body", ["STOP", "I will be late", "Gracias, hasta mañana", "Can we move the visit?"]
)
def test_ordinary_texts_are_not_crisis(body):
    assert not has_crisis_words(body)


def test_a_normal_reply_makes_no_task_and_no_answer(practice_a):
    _child, caregiver = family(practice_a)
    consent(caregiver, "text")

    inbound = _receive(practice_a, "We will be there at 9, thank you")

    assert not inbound.crisis
    assert not Task.objects.exists() and not locmem.outbox


def test_stop_with_words_of_crisis_is_crisis_first_and_does_not_opt_out(practice_a):
    family(practice_a)

    inbound = _receive(practice_a, "STOP I want to die")

    assert inbound.crisis and inbound.keyword == ""
    assert Task.objects.get().kind == TaskKind.CRISIS_TEXT
    assert not OptOut.objects.exists()  # a clinician calls; a plain STOP still works later
    assert "988" in locmem.outbox[0].text.body

    _receive(practice_a, "STOP", sid="IN2")
    assert OptOut.objects.get().active


def test_an_opted_out_number_still_gets_the_resources(practice_a):
    family(practice_a)
    _receive(practice_a, "STOP")
    assert OptOut.objects.get().active

    _receive(practice_a, "I want to die", sid="IN2")

    assert "988" in locmem.outbox[-1].text.body
    assert Task.objects.get(kind=TaskKind.CRISIS_TEXT).priority == TaskPriority.URGENT


def test_an_unmatched_number_alerts_with_the_number_masked(practice_a):
    inbound = _receive(practice_a, "he hits me", number="+19995551234")

    assert inbound.caregiver is None
    task = Task.objects.get()
    assert task.child is None and task.is_urgent
    assert "1234" in task.title and "9995551234" not in task.title
    assert task.source_url == "/messages/"
    assert "911" in locmem.outbox[0].text.body
    assert "Suicide & Crisis Lifeline" in locmem.outbox[0].text.body  # English by default


def test_an_unmatched_number_writing_spanish_is_answered_in_spanish(practice_a):
    _receive(practice_a, "Mi esposo me pega", number="+19995551234")

    assert "Línea de Prevención" in locmem.outbox[0].text.body


def test_a_repeated_delivery_makes_one_task_and_one_answer(practice_a):
    family(practice_a)

    _receive(practice_a, "I want to die")
    _receive(practice_a, "I want to die")

    assert InboundText.objects.count() == 1
    assert Task.objects.count() == 1 and len(locmem.outbox) == 1


def test_the_resources_go_at_night_past_the_daily_cap(practice_a, settings):
    settings.MEDHOME_MESSAGING = {**settings.MEDHOME_MESSAGING, "daily_cap_per_family": 0}
    family(practice_a)
    night = AT.replace(hour=23, minute=30)

    receive_text(
        practice=practice_a,
        from_number=NUMBER,
        body="emergencia",
        gateway_message_id="IN9",
        at=night,
    )

    assert Message.objects.get().status == MessageStatus.SENT


def test_the_task_reads_in_the_viewers_language(practice_a):
    from django.utils import translation

    _receive(practice_a, "he hits me", number="+19995551234")

    with translation.override("es"):
        title = Task.objects.get().title
    assert title.startswith("Urgente") and "1234" in title


def test_the_clinician_sees_it_urgent_and_the_task_opens_the_conversation(
    log_in, staff_a, practice_a
):
    from django.urls import reverse

    child, _caregiver = family(practice_a)
    _receive(practice_a, "quiero hacerme daño")
    client = log_in(staff_a["pediatrician"], practice_a)

    tasks = client.get(reverse("tasks:list")).content.decode()
    conversation = reverse("messaging:child", args=[child.pk])
    assert "words of crisis" in tasks and conversation in tasks
    assert "hacerme" not in tasks  # the text itself stays on the conversation page
    page = client.get(conversation).content.decode()
    assert "Words of crisis" in page and "hacerme daño" in page
