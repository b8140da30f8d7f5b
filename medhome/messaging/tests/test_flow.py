"""Visit reminders end to end: planning, sending, the crash, fallback, replies, webhooks."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse

from medhome.families.models import PanelMembership
from medhome.messaging.gateways import locmem
from medhome.messaging.gateways.signatures import signature
from medhome.messaging.models import InboundText, Message, MessageStatus, OptOut
from medhome.messaging.services import sending
from medhome.messaging.services.planning import plan_visit_reminders
from medhome.messaging.services.replies import receive_text
from medhome.messaging.services.sending import send_due_messages
from medhome.portal.models import FamilyLink
from medhome.tasks.models import Task, TaskKind
from tests import factories

from .helpers import AT, DAY, VISIT_AT, consent, family

pytestmark = pytest.mark.django_db
EVENING = AT.replace(hour=17, minute=5)  # inside the default Monday 17–19 window


def test_planning_is_set_based_idempotent_and_held_until_the_window(
    practice_a, django_assert_max_num_queries
):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT)

    with django_assert_max_num_queries(40):
        first = plan_visit_reminders(practice=practice_a, day=DAY, at=AT)
    again = plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    assert (first.created, again.created) == (1, 0)
    message = Message.objects.get()
    assert message.status == MessageStatus.HELD  # planned for 10:00, the window opens at 17:00
    assert message.send_after == EVENING.replace(minute=0)
    assert message.link_rows  # the caregiver's screen is due at the two-month visit
    assert send_due_messages(at=AT.replace(hour=12)) == 0


def test_the_spanish_caregiver_gets_spanish_with_a_link_bound_to_them(practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT)
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    assert send_due_messages(at=EVENING) == 1

    [accepted] = locmem.outbox
    assert accepted.text.to == "+16175550142"
    assert "le recordamos la visita" in accepted.text.body
    link = FamilyLink.objects.get()
    assert (link.caregiver, link.language, link.purpose) == (caregiver, "es", "screening")
    assert link.created_by is None
    token = accepted.text.body.split("/f/")[1].split("/")[0]
    message = Message.objects.get()
    assert token not in message.body  # shown to the family once, never kept
    assert message.status == MessageStatus.SENT and message.segments >= 2


def test_no_link_when_no_screen_is_due(practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    send_due_messages(at=EVENING)

    [accepted] = locmem.outbox
    assert "/f/" not in accepted.text.body
    assert not FamilyLink.objects.exists()


def test_children_off_the_panel_get_no_reminder(practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT)
    PanelMembership.objects.filter(child=child).update(ends_on=DAY - timedelta(days=1))

    assert plan_visit_reminders(practice=practice_a, day=DAY, at=AT).created == 0


def test_a_language_without_text_is_not_sent_and_makes_a_task(practice_a):
    child, caregiver = family(practice_a, preferred_language="vi")
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT)

    planned = plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    assert (planned.created, planned.suppressed) == (0, 1)
    assert Message.objects.get().error_code == "no_text_in_language"
    assert Task.objects.get().kind == TaskKind.MESSAGE_LANGUAGE_MISSING
    send_due_messages(at=EVENING)
    assert locmem.outbox == []


def test_a_crash_between_claim_and_answer_neither_loses_nor_duplicates(practice_a, monkeypatch):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT)
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    def killed(**kwargs):
        raise SystemExit("kill -9")  # after the gateway accepted, before the record

    monkeypatch.setattr(sending, "record_many", killed)
    with pytest.raises(SystemExit):
        send_due_messages(at=EVENING)
    monkeypatch.undo()
    assert Message.objects.get().status == MessageStatus.SENDING
    assert send_due_messages(at=EVENING + timedelta(seconds=30)) == 0  # the claim still holds

    assert send_due_messages(at=EVENING + timedelta(minutes=3)) == 1

    assert len(locmem.outbox) == 1
    message = Message.objects.get()
    assert (message.status, message.gateway_message_id) == (MessageStatus.SENT, "LM00000001")


def test_a_sender_killed_mid_batch_with_a_send_in_flight_loses_and_repeats_nothing(
    practice_a, monkeypatch
):
    """The kill lands while the gateway's answer is on its way (accepted, never heard): the
    messages sent before it in the same group are not recorded yet (sending.RECORD_EVERY), so
    they and the one in flight go again under their keys and the gateway answers with the ids
    it gave; those not reached yet go once. Each family's phone gets one text."""
    for n in range(3):
        child, caregiver = family(practice_a, mrn=f"M-{n}", phone=f"+1617555014{n}")
        consent(caregiver, "text")
        factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)
    real = locmem.LocmemGateway()
    sends: list[str] = []

    class KilledOnTheSecond:
        def send(self, text):
            sends.append(text.key)
            sid = real.send(text)
            if len(sends) == 2:
                raise SystemExit("kill -9")  # the gateway has it; the sender never hears
            return sid

    monkeypatch.setattr(sending, "get_sms_gateway", KilledOnTheSecond)
    with pytest.raises(SystemExit):
        send_due_messages(at=EVENING)
    assert sorted(Message.objects.values_list("status", flat=True)) == [MessageStatus.SENDING] * 3

    assert send_due_messages(at=EVENING + timedelta(minutes=3)) == 3

    assert len(sends) == 5 and len(set(sends)) == 3  # the group before the kill went again
    assert len(locmem.outbox) == 3  # each family's phone got its reminder once
    sids = {accepted.text.key: accepted.sid for accepted in locmem.outbox}
    for message in Message.objects.all():
        assert message.status == MessageStatus.SENT
        assert sids[f"{message.practice_id}:{message.idempotency_key}"] == (
            message.gateway_message_id
        )


def test_the_daily_cap_holds_the_next_message_to_tomorrow(practice_a, settings):
    settings.MEDHOME_MESSAGING = {**settings.MEDHOME_MESSAGING, "daily_cap_per_family": 1}
    child, caregiver = family(practice_a)
    sibling = factories.add_child(child.family, mrn="M-2", date_of_birth=child.date_of_birth)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    factories.schedule_visit(sibling, at="2026-03-10 10:00:00-04:00", kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    assert send_due_messages(at=EVENING) == 1

    held = Message.objects.get(status=MessageStatus.HELD)
    assert held.send_after.date() > EVENING.date()


def test_a_bounce_falls_back_to_email_then_to_a_task(practice_a):
    child, caregiver = family(
        practice_a, phone="+12025550100", email="marisol@example.org", preferred_language="en"
    )
    consent(caregiver, "text", "email")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    send_due_messages(at=EVENING)
    send_due_messages(at=EVENING)

    statuses = dict(Message.objects.values_list("channel", "status"))
    assert statuses == {"text": MessageStatus.BOUNCED, "email": MessageStatus.SENT}
    assert len(mail.outbox) == 1 and "reminder of your child's visit" in mail.outbox[0].body
    assert "Reply STOP" not in mail.outbox[0].body and "To stop these emails" in mail.outbox[0].body


def test_no_working_channel_gives_the_coordinator_a_task(practice_a):
    child, caregiver = family(practice_a, phone="+12025550100", preferred_language="en")
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    send_due_messages(at=EVENING)

    task = Task.objects.get()
    assert (task.kind, task.child) == (TaskKind.FAMILY_UNREACHABLE, child)


def test_stop_silences_every_later_message_and_start_brings_them_back(practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)

    receive_text(
        practice=practice_a,
        from_number="+16175550142",
        body="Stop",
        gateway_message_id="IN1",
        at=AT,
    )

    [confirmation] = locmem.outbox
    assert "ya no le enviaremos textos" in confirmation.text.body
    assert OptOut.objects.get().active
    send_due_messages(at=EVENING)
    assert len(locmem.outbox) == 1  # the reminder did not go
    assert Message.objects.get(kind="visit_reminder").error_code in ("no_consent", "opted_out")

    receive_text(
        practice=practice_a,
        from_number="+16175550142",
        body="START",
        gateway_message_id="IN2",
        at=AT,
    )
    assert not OptOut.objects.get().active
    assert "volverá a recibir" in locmem.outbox[-1].text.body


def test_help_is_answered_and_an_unknown_number_is_kept_unmatched(practice_a):
    receive_text(
        practice=practice_a,
        from_number="+19995550000",
        body="HELP",
        gateway_message_id="IN3",
        at=AT,
    )
    inbound = InboundText.objects.get()
    assert inbound.caregiver is None and inbound.keyword == "help"
    assert "For help, call the office" in locmem.outbox[0].text.body


def _signed_post(client, path, params, token="local-gateway-token", signature_value=None):  # noqa: S107
    url = "http://127.0.0.1:8000" + path
    headers = {}
    if signature_value is not False:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature_value or signature(
            url, params.items(), token
        )
    return client.post(path, params, **headers)


def test_webhooks_check_the_signature(client, practice_a, caplog):
    path = reverse("messaging:sms_inbound") + "?" + urlencode({"practice": practice_a.pk})
    params = {"MessageSid": "SM1", "From": "+16175550142", "Body": "I will be late"}

    assert _signed_post(client, path, params, signature_value=False).status_code == 403
    assert _signed_post(client, path, params, token="wrong").status_code == 403
    assert "+16175550142" not in caplog.text and "late" not in caplog.text
    assert not InboundText.objects.exists()

    assert _signed_post(client, path, params).status_code == 200
    assert InboundText.objects.get().body == "I will be late"


def test_a_receipt_marks_delivered(client, practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)
    send_due_messages(at=EVENING)
    path = reverse("messaging:sms_status")

    response = _signed_post(
        client, path, {"MessageSid": "LM00000001", "MessageStatus": "delivered"}
    )

    assert response.status_code == 200
    assert Message.objects.get().status == MessageStatus.DELIVERED


def test_the_outbox_shows_messages_masked(log_in, staff_a, practice_a):
    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT, kind="sick")
    plan_visit_reminders(practice=practice_a, day=DAY, at=AT)
    client = log_in(staff_a["front_desk"], practice_a)

    page = client.get(reverse("messaging:outbox")).content.decode()

    assert "le recordamos" in page and "0142" in page and "6175550142" not in page
    assert client.get(reverse("messaging:preview")).status_code == 200
    conversation = client.get(reverse("messaging:child", args=[child.pk]))
    assert conversation.status_code == 200


def test_the_worker_plans_and_sends_on_its_schedule(practice_a, time_machine):
    """The jobs the worker runs (messaging/jobs.py): planning, then the minute's sending."""
    from medhome.jobs.tests.support import database_queue, run_scheduled

    child, caregiver = family(practice_a)
    consent(caregiver, "text")
    factories.schedule_visit(child, at=VISIT_AT)
    time_machine.move_to(AT)
    with database_queue():
        run_scheduled("messaging.plan_reminders", now=AT)
        assert Message.objects.get().status == MessageStatus.HELD
        time_machine.move_to(EVENING)
        run_scheduled("messaging.send_due", now=EVENING)
    assert Message.objects.get().status == MessageStatus.SENT
    assert len(locmem.outbox) == 1


def test_a_batch_records_practices_in_one_order_so_senders_never_deadlock(
    practice_a, practice_b, monkeypatch
):
    """Recording sent messages locks each practice's audit chain head until the transaction
    ends: in the practices' id order whatever order the messages came in, so two senders with
    messages of the same practices cannot lock them crosswise (bench/messaging_send.py
    --senders found the deadlock, and the loser's messages went twice once their claim lapsed)."""
    for practice in (practice_a, practice_b):
        child, caregiver = family(practice, mrn=f"M-{practice.name[:3]}")
        consent(caregiver, "text")
        factories.schedule_visit(child, at=VISIT_AT)
        plan_visit_reminders(practice=practice, day=DAY, at=AT)
    first, second = sorted([practice_a, practice_b], key=lambda p: str(p.pk), reverse=True)
    # The practice whose id sorts last has the earlier message: the batch meets it first.
    Message.objects.filter(practice=first).update(send_after=AT)
    Message.objects.filter(practice=second).update(send_after=AT + timedelta(minutes=1))
    recorded: list[str] = []
    real = sending.record_many

    def spy(**kwargs):
        recorded.append(str(kwargs["actor"].practice.pk))
        return real(**kwargs)

    monkeypatch.setattr(sending, "record_many", spy)
    assert send_due_messages(at=EVENING) == 2
    assert recorded == sorted(recorded) and len(recorded) == 2
