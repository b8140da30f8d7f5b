"""The staff form for a caregiver's consent to texts and email: who may use it, what it refuses,
the history it shows, and that a withdrawal stops what was already planned."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.messaging.gateways import locmem
from medhome.messaging.models import ContactConsent, Message, MessageStatus
from medhome.messaging.services.check_ins import plan_discharge_check_ins
from medhome.messaging.services.replies import receive_text
from medhome.messaging.services.sending import send_due_messages
from medhome.messaging.tests.test_check_ins import HOME, TODDLER, TUESDAY_10, _stay

from .helpers import AT, consent, family

pytestmark = pytest.mark.django_db
AGREE_TEXT = {"channel": "text", "granted": "yes", "method": "verbal"}


def url(child, caregiver) -> str:
    return reverse("messaging:contact_consent", args=[child.pk, caregiver.pk])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PEDIATRICIAN, 200),
        (Role.FRONT_DESK, 200),
        (Role.COMMUNITY_HEALTH_WORKER, 200),
        (Role.CARE_COORDINATOR, 200),
        (Role.LEGAL_PARTNER, 403),
        (Role.NETWORK_ANALYST, 403),
    ],
)
def test_who_may_open_and_post_the_form(
    log_in, staff_a, practice_a, child_a, caregiver_a, role, status
):
    client = log_in(staff_a[role], practice_a)

    got = client.get(url(child_a, caregiver_a))
    posted = client.post(url(child_a, caregiver_a), AGREE_TEXT)

    assert (got.status_code, posted.status_code) == (status, 302 if status == 200 else 403)
    assert ContactConsent.objects.count() == (1 if status == 200 else 0)


def test_another_practices_or_another_familys_caregiver_is_404(
    client_a, practice_a, child_a, caregiver_a, child_b, caregiver_b
):
    _other_child, other_family_caregiver = family(practice_a, mrn="M-2", given_name="Ana")

    for child, caregiver in [
        (child_b, caregiver_b),
        (child_a, caregiver_b),
        (child_b, caregiver_a),
        (child_a, other_family_caregiver),
    ]:
        assert client_a.get(url(child, caregiver)).status_code == 404
        assert client_a.post(url(child, caregiver), AGREE_TEXT).status_code == 404
    assert not ContactConsent.objects.exists()


def test_recording_shows_the_decision_in_force_and_the_history_latest_first(
    client_a, clinician_a, child_a, caregiver_a
):
    with time_machine.travel(AT, tick=False):
        client_a.post(url(child_a, caregiver_a), AGREE_TEXT)
    with time_machine.travel(AT + timedelta(minutes=5), tick=False):
        response = client_a.post(
            url(child_a, caregiver_a), {**AGREE_TEXT, "granted": "no", "method": "written"}
        )
        assert response.status_code == 302

        page = client_a.get(response["Location"])

    history = page.context["history"]
    assert [(c.granted, c.method) for c in history] == [(False, "written"), (True, "verbal")]
    assert {c.recorded_by for c in history} == {clinician_a}
    assert history[0].recorded_at == AT + timedelta(minutes=5)
    assert page.context["in_force"]["text"] == history[0]
    assert page.context["in_force"]["email"] is None
    content = page.content.decode()
    assert "does not agree" in content and "Amara Okafor" in content
    assert AuditEvent.objects.filter(object_type="messaging.consent", action="create").count() == 2
    assert AuditEvent.objects.filter(object_type="caregiver", action="view").exists()


def test_the_chart_shows_each_caregivers_consent_and_links_the_form(client_a, child_a, caregiver_a):
    client_a.post(url(child_a, caregiver_a), AGREE_TEXT)

    content = client_a.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert "Consent to texts and email" in content
    assert url(child_a, caregiver_a) in content
    assert "agrees" in content and "not asked yet: nothing is sent" in content  # text / email


def test_the_chart_shows_consent_to_those_who_may_not_change_it_without_the_link(
    log_in, staff_a, practice_a, child_a, caregiver_a
):
    consent(caregiver_a, "text")
    client = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)

    content = client.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert "Consent to texts and email" in content and "agrees" in content
    assert url(child_a, caregiver_a) not in content


def test_a_landline_is_refused_for_texts_but_a_withdrawal_is_recorded(client_a, practice_a):
    child, caregiver = family(practice_a, mrn="M-2", phone="+442079460018")  # London landline

    refused = client_a.post(url(child, caregiver), AGREE_TEXT)
    withdrawn = client_a.post(url(child, caregiver), {**AGREE_TEXT, "granted": "no"})

    assert refused.status_code == 400
    assert (
        "This looks like a landline: texts cannot reach it. Record a mobile number first."
        in refused.content.decode()
    )
    assert withdrawn.status_code == 302
    assert list(ContactConsent.objects.values_list("granted", flat=True)) == [False]


def test_the_form_speaks_spanish_to_a_spanish_speaking_colleague(client_a, practice_a):
    child, caregiver = family(practice_a, mrn="M-2", phone="+442079460018")
    client_a.cookies["django_language"] = "es"

    refused = client_a.post(url(child, caregiver), AGREE_TEXT).content.decode()

    assert "Parece un teléfono fijo" in refused
    assert "Consentimiento para textos y correo electrónico" in refused


def test_a_us_number_that_may_be_mobile_is_accepted(client_a, child_a, caregiver_a):
    # Most US numbers are FIXED_LINE_OR_MOBILE in the numbering plan: not refused.
    assert client_a.post(url(child_a, caregiver_a), AGREE_TEXT).status_code == 302


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"channel": "email", "granted": "yes", "method": "verbal"}, "no email address on file"),
        ({"channel": "text", "granted": "yes"}, "This field is required."),
        ({"channel": "fax", "granted": "yes", "method": "verbal"}, "Select a valid choice."),
        ({"channel": "text", "granted": "maybe", "method": "verbal"}, "Select a valid choice."),
    ],
)
def test_bad_input_says_what_is_wrong_and_saves_nothing(
    client_a, child_a, caregiver_a, payload, message
):
    response = client_a.post(url(child_a, caregiver_a), payload)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ContactConsent.objects.exists()


def test_a_withdrawal_stops_a_message_already_planned(log_in, staff_a, practice_a):
    child, caregiver = family(practice_a, mrn="M-2", born=TODDLER, windows=[])
    consent(caregiver, "text")
    _stay(child, staff_a[Role.CARE_COORDINATOR])
    plan_discharge_check_ins(practice=practice_a, at=AT)
    assert Message.objects.get().status == MessageStatus.PLANNED

    client = log_in(staff_a[Role.FRONT_DESK], practice_a)
    with time_machine.travel(HOME + timedelta(hours=3), tick=False):
        client.post(url(child, caregiver), {**AGREE_TEXT, "granted": "no"})

    assert send_due_messages(at=TUESDAY_10) == 0
    message = Message.objects.get()
    assert (message.status, message.error_code) == (MessageStatus.SUPPRESSED, "no_consent")
    assert locmem.outbox == []


def test_the_conversation_says_which_message_was_the_check_in(client_a, practice_a, clinician_a):
    child, caregiver = family(practice_a, mrn="M-2", born=TODDLER, windows=[])
    consent(caregiver, "text")
    _stay(child, clinician_a)
    plan_discharge_check_ins(practice=practice_a, at=AT)
    send_due_messages(at=TUESDAY_10)
    receive_text(
        practice=practice_a,
        from_number=str(caregiver.phone),
        body="Estamos bien, gracias",
        gateway_message_id="SM-check-in-reply",
        at=TUESDAY_10 + timedelta(minutes=5),
    )

    content = client_a.get(reverse("messaging:child", args=[child.pk])).content.decode()

    assert "Check-in after a hospital stay" in content
    assert "Estamos bien, gracias" in content
