"""The feed under a storm, small: duplicates, A03 before A01, a request that dies mid-apply.

Each distinct message is applied once, each resend is acknowledged as a duplicate and changes
nothing, and the final state is the one the messages make in order. The same property at 10,000
messages over HTTP is the drill bench/hl7_storm.py (docs/benchmarks.md, "Fault drills").
"""

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError

from medhome.events import services
from medhome.events.models import CareEvent, InboundMessage, MessageStatus
from medhome.practices.calendar import add_business_days, calendar_of
from medhome.tasks.models import Task, TaskKind

from .test_events import adt, receive

INPATIENT = 10  # A01 + A03 each
EMERGENCY = 5  # A04 each
REORDERED = {0, 1, 2, 3, 4}  # these stays' A03 arrive before their A01
# HL7 times without an offset are the practice's local time.
LOCAL = ZoneInfo("America/New_York")


def _stay(n: int) -> tuple[str, str, datetime]:
    return f"IP{n}", f"2026030{1 + n % 9}0800{n:02d}", datetime(2026, 3, 12, 10, n, tzinfo=LOCAL)


def storm() -> list[str]:
    """25 distinct messages, each sent twice, shuffled; five stays discharged before admitted."""
    distinct: list[str] = []
    for n in range(INPATIENT):
        visit, start, end = _stay(n)
        admit = adt("A01", f"A01-{n}", klass="I", visit=visit, start=start)
        discharge = adt(
            "A03", f"A03-{n}", klass="I", visit=visit, start=start, end=f"{end:%Y%m%d%H%M%S}"
        )
        distinct += [discharge, admit] if n in REORDERED else [admit, discharge]
    distinct += [adt("A04", f"ED-{n}", visit=f"ED{n}") for n in range(EMERGENCY)]
    rng = random.Random(21)  # noqa: S311  (a fixed shuffle, not a secret)
    resent = rng.sample(distinct, len(distinct))
    messages = distinct + resent
    # Shuffle while keeping each reordered stay's A03 ahead of its A01.
    tail = messages[2 * len(REORDERED) :]
    rng.shuffle(tail)
    return messages[: 2 * len(REORDERED)] + tail


def test_storm_applies_each_message_once_and_ends_as_in_order(practice_a, child_a):
    messages = storm()
    assert len(messages) == 50
    acks = [receive(practice_a, raw)[0] for raw in messages]

    assert all("MSA|AA|" in ack for ack in acks)
    stored = InboundMessage.objects.filter(practice=practice_a)
    assert stored.count() == 50
    assert stored.filter(status=MessageStatus.PROCESSED).count() == 25
    duplicates = stored.filter(status=MessageStatus.DUPLICATE)
    assert duplicates.count() == 25
    for duplicate in duplicates.select_related("duplicate_of"):
        original = duplicate.duplicate_of
        assert original.status == MessageStatus.PROCESSED and original.raw == duplicate.raw
        assert duplicate.response == original.response
    assert len(set(stored.values_list("idempotency_key", flat=True))) == 50

    events = CareEvent.objects.filter(practice=practice_a)
    assert events.count() == INPATIENT + EMERGENCY
    tasks = Task.objects.filter(practice=practice_a, kind=TaskKind.TRANSITION_FOLLOW_UP)
    assert tasks.count() == INPATIENT + EMERGENCY
    calendar = calendar_of(practice_a)
    for n in range(INPATIENT):
        visit, _start, end = _stay(n)
        event = events.get(visit_number=visit)
        # Whatever the order: the admission, ended at the discharge, its task due from then.
        assert (event.kind, event.ended_at, event.child) == ("admission", end, child_a)
        task = tasks.get(source_id=event.pk)
        assert task.due_at == add_business_days(end, 2, calendar=calendar)
    assert set(events.filter(visit_number__startswith="ED").values_list("kind", flat=True)) == {
        "emergency"
    }


def test_a03_before_a01_is_the_admission_a01_then_a03_makes(practice_a, child_a):
    receive(practice_a, adt("A03", "M2", klass="I", visit="IP9", end="20260315100000"))
    assert CareEvent.objects.get().kind == "discharge"  # alone, a discharge (as before)

    receive(practice_a, adt("A01", "M1", klass="I", visit="IP9"))

    event = CareEvent.objects.get()
    assert event.kind == "admission" and event.ended_at == datetime(2026, 3, 15, 10, tzinfo=LOCAL)
    task = Task.objects.get(kind=TaskKind.TRANSITION_FOLLOW_UP)
    assert task.due_at == add_business_days(event.ended_at, 2, calendar=calendar_of(practice_a))


def test_a_request_dying_mid_apply_leaves_the_message_for_the_resend(
    practice_a, child_a, monkeypatch
):
    """The connection cut while the visit is written: nothing of it stays but the raw message,
    unkeyed, so the sender's resend of the same control id is applied, not a duplicate."""
    apply_adt = services.apply_adt

    def cut(*args, **kwargs):
        apply_adt(*args, **kwargs)  # the writes are made, then the connection goes
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "apply_adt", cut)
    with pytest.raises(OperationalError):
        receive(practice_a, adt())
    assert not CareEvent.objects.exists() and not Task.objects.exists()
    dead = InboundMessage.objects.get()
    assert dead.status == MessageStatus.ACCEPTED and dead.idempotency_key.startswith("pending:")

    monkeypatch.setattr(services, "apply_adt", apply_adt)
    ack, message = receive(practice_a, adt())

    assert "MSA|AA|MSG0001" in ack and message.status == MessageStatus.PROCESSED
    assert CareEvent.objects.count() == 1 and Task.objects.count() == 1
    # The dead request's row stays as it arrived (stored before parsing, nothing lost).
    assert InboundMessage.objects.count() == 2


def test_the_visit_written_meanwhile_by_another_connection_is_found_on_retry(
    practice_a, child_a, monkeypatch
):
    """A01 and A03 of one stay on two connections at once: the one that loses the race for the
    visit's unique key is applied again and updates the winner's event."""
    receive(practice_a, adt("A01", "M1", klass="I", visit="IP9"))
    first = CareEvent.objects.get()
    real = services.apply_adt
    calls = []

    def blind_once(practice, message_adt, **kwargs):
        calls.append(message_adt.message_type)
        if len(calls) == 1:  # as if the winner's event were not yet committed when it looked
            from django.db import IntegrityError

            raise IntegrityError("duplicate key value violates care_event_one_per_hospital_visit")
        return real(practice, message_adt, **kwargs)

    monkeypatch.setattr(services, "apply_adt", blind_once)
    ack, message = receive(
        practice_a, adt("A03", "M2", klass="I", visit="IP9", end="20260315100000")
    )

    assert calls == ["A03", "A03"] and "MSA|AA|M2" in ack
    assert message.status == MessageStatus.PROCESSED and message.event == first
    assert CareEvent.objects.get().ended_at is not None
