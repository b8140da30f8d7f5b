"""Answering a family from its conversation page: through the one pipeline, consent and
opt-outs honoured, audited, refused for other practices and roles."""

import pytest
from django.urls import reverse

from medhome.audit.models import AuditEvent
from medhome.messaging.gateways import locmem
from medhome.messaging.models import Message, MessageKind, MessageStatus
from medhome.messaging.services.replies import receive_text
from tests import factories

from .helpers import AT, consent, family

pytestmark = pytest.mark.django_db
KEY = "6f1c2a34-9b7d-4e21-8a55-0c3d2e1f4a5b"
DAYTIME = AT.replace(hour=17, minute=10)  # inside the caregiver's Monday 17–19 window


@pytest.fixture(autouse=True)
def _daytime(time_machine):
    time_machine.move_to(DAYTIME)


def _post(client, child, caregiver, text="We can see you at 10 tomorrow.", key=KEY):
    return client.post(
        reverse("messaging:reply", args=[child.pk]),
        {"caregiver": caregiver.pk, "text": text, "key": key},
        follow=True,
    )


def test_the_front_desk_replies_and_it_is_sent_audited_once(log_in, staff_a, practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    client = log_in(staff_a["front_desk"], practice_a)

    page = client.get(reverse("messaging:child", args=[child.pk])).content.decode()
    assert 'name="text"' in page and "0142" in page and "6175550142" not in page

    response = _post(client, child, caregiver)
    _post(client, child, caregiver)  # the same form twice: one message

    [sent] = locmem.outbox
    assert sent.text.to == "+16175550142"
    assert sent.text.body.endswith(": We can see you at 10 tomorrow.")
    message = Message.objects.get()
    assert (message.kind, message.status, message.segments) == (
        MessageKind.STAFF_REPLY,
        MessageStatus.SENT,
        1,
    )
    assert "Sent as 1 text segment." in response.content.decode()
    assert AuditEvent.objects.filter(
        object_type="messaging.message", object_id=str(message.pk), action="create"
    ).exists()
    assert "We can see you" in response.content.decode()  # now on the conversation


def test_an_opted_out_number_is_refused_with_a_clear_message(log_in, staff_a, practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    receive_text(
        practice=practice_a,
        from_number="+16175550142",
        body="STOP",
        gateway_message_id="IN1",
        at=AT,
    )
    locmem.reset()
    client = log_in(staff_a["nurse"], practice_a)

    page = client.get(reverse("messaging:child", args=[child.pk])).content.decode()
    assert "This number replied STOP" in page and 'name="text"' not in page
    response = _post(client, child, caregiver)

    assert "Not sent: This number replied STOP" in response.content.decode()
    assert not locmem.outbox
    assert not Message.objects.filter(kind=MessageKind.STAFF_REPLY).exists()


def test_no_consent_and_too_long_are_refused(log_in, staff_a, practice_a):
    child, caregiver = family(practice_a)
    client = log_in(staff_a["front_desk"], practice_a)

    assert "agreed to be texted" in _post(client, child, caregiver).content.decode()
    consent(caregiver, "text")
    assert "at most 400" in _post(client, child, caregiver, text="x" * 401).content.decode()
    assert not Message.objects.exists() and not locmem.outbox


def test_roles_without_the_capability_are_refused(log_in, staff_a, practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")

    for role in ("practice_admin", "legal_partner"):
        client = log_in(staff_a[role], practice_a)
        assert _post(client, child, caregiver).status_code == 403
    page = log_in(staff_a["practice_admin"], practice_a).get(
        reverse("messaging:child", args=[child.pk])
    )
    assert 'name="text"' not in page.content.decode()
    assert not Message.objects.exists()


def test_another_practice_cannot_reply(log_in, practice_a, practice_b):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    other = factories.make_staff(
        "b-front", practice_b, "front_desk", first_name="Bo", last_name="Front"
    )
    client = log_in(other, practice_b)

    assert _post(client, child, caregiver).status_code == 404
    assert not Message.objects.exists()


def test_a_caregiver_of_another_family_is_refused(log_in, staff_a, practice_a):
    child, _caregiver = family(practice_a)
    _other_child, stranger = family(practice_a, mrn="M-9", phone="+16175550199")
    consent(stranger, "text")
    client = log_in(staff_a["front_desk"], practice_a)

    assert "Choose a caregiver" in _post(client, child, stranger).content.decode()
    assert not Message.objects.exists()
