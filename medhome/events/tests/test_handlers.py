"""The feed's handler registry: a message type registered for a sender goes to its handler once
stored and keyed; the same type from another sender keeps the hospital path."""

from datetime import UTC, datetime

import pytest

from medhome.events import handlers, services
from medhome.events.models import InboundMessage, MessageStatus, Sender
from medhome.events.parsing import Malformed

AT = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
SIU = "\r".join(
    [
        "MSH|^~\\&|EHR|CLINIC|MEDHOME|PEDS|20260313083000||SIU^S12^SIU_S12|S0001|P|2.5.1",
        "SCH|1",
    ]
)


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(handlers, "_HANDLERS", dict(handlers._HANDLERS))
    calls = []

    def receive(*, message, parsed, at):
        calls.append(message.pk)
        return handlers.Received(status=MessageStatus.UNMATCHED)

    handlers.register(Sender.EHR, "SIU", receive)
    return calls


def test_registered_type_goes_to_its_handler_after_storing(practice_a, registry):
    ack, message = services.receive_hl7(practice=practice_a, raw=SIU, at=AT, sender=Sender.EHR)
    assert "MSA|AA|S0001" in ack
    assert registry == [message.pk]
    message.refresh_from_db()
    assert message.status == MessageStatus.UNMATCHED and message.sender == Sender.EHR
    assert message.idempotency_key == "hl7|EHR|CLINIC|S0001"


def test_duplicate_is_not_handled_twice(practice_a, registry):
    services.receive_hl7(practice=practice_a, raw=SIU, at=AT, sender=Sender.EHR)
    ack, again = services.receive_hl7(practice=practice_a, raw=SIU, at=AT, sender=Sender.EHR)
    assert again.status == MessageStatus.DUPLICATE and "MSA|AA" in ack
    assert len(registry) == 1


def test_other_sender_keeps_todays_path(practice_a, registry):
    ack, message = services.receive_hl7(practice=practice_a, raw=SIU, at=AT)
    assert "MSA|AR" in ack and message.status == MessageStatus.ERROR
    assert registry == []


def test_longest_prefix_wins_and_refusal_rolls_back(practice_a, registry):
    def refuse(*, message, parsed, at):
        InboundMessage.objects.filter(pk=message.pk).update(error="written then undone")
        raise Malformed("No such appointment.", code="AE")

    handlers.register(Sender.EHR, "SIU^S12", refuse)
    ack, message = services.receive_hl7(practice=practice_a, raw=SIU, at=AT, sender=Sender.EHR)
    assert "MSA|AE" in ack and "No such appointment." in ack
    message.refresh_from_db()
    assert message.status == MessageStatus.ERROR and message.error == "No such appointment."
    assert registry == []
