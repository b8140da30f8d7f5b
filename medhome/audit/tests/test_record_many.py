from datetime import UTC, datetime

import pytest

from medhome.audit.models import Action, AuditChainHead, AuditEvent
from medhome.audit.services import (
    Entry,
    event_hash,
    hashed_fields,
    record,
    record_many,
    verify_chain,
)
from medhome.core.actor import Actor
from medhome.practices.models import Practice

pytestmark = pytest.mark.django_db
AT = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)


def test_record_many_extends_the_chain_link_by_link():
    practice = Practice.objects.create(name="Chain", state="MA")
    actor = Actor(user=None, practice=practice, role="ehr_import", request_id="r1")
    record(actor=actor, action=Action.VIEW, object_type="child", object_id="1", at=AT)
    appended = record_many(
        actor=actor,
        entries=[
            Entry(Action.CREATE, "ehr_observation", n, {"fields": ["value"]}) for n in range(1, 4)
        ],
        at=AT,
    )
    record(actor=actor, action=Action.VIEW, object_type="child", object_id="2", at=AT)
    stored = list(AuditEvent.objects.filter(practice=practice).order_by("sequence"))
    assert [e.sequence for e in stored] == [1, 2, 3, 4, 5]
    assert appended == 3
    assert [e.object_id for e in stored[1:4]] == ["1", "2", "3"]
    previous = "0" * 64
    for event in stored:
        assert event.previous_hash == previous
        assert event.hash == event_hash(previous_hash=previous, fields=hashed_fields(event))
        previous = event.hash
    head = AuditChainHead.objects.get(practice=practice)
    assert (head.sequence, head.hash) == (5, stored[-1].hash)
    assert verify_chain(practice) == []
    assert record_many(actor=actor, entries=[], at=AT) == 0


def test_a_batch_is_stored_as_given():
    """On PostgreSQL the batch goes in by COPY: choices as their values, details as JSON."""
    practice = Practice.objects.create(name="Copy", state="MA")
    actor = Actor(user=None, practice=practice, role="ehr_import", request_id="r2")
    record_many(
        actor=actor,
        entries=[
            Entry(Action.CREATE, "child", "c1", {"fields": ["city"], "source": "ehr"}),
            Entry(Action.UPDATE, "child", "c2", {}),
        ],
        at=AT,
    )
    stored = list(
        AuditEvent.objects.filter(practice=practice)
        .order_by("sequence")
        .values_list("action", "object_id", "detail", "at", "request_id")
    )
    assert stored == [
        ("create", "c1", {"fields": ["city"], "source": "ehr"}, AT, "r2"),
        ("update", "c2", {}, AT, "r2"),
    ]
    assert verify_chain(practice) == []


def test_few_and_many_rows_link_the_same_chain():
    """A few rows go in as one INSERT, more by COPY on PostgreSQL (core.copy.FEW_ROWS): one
    chain either way, and the practice's first event makes its head."""
    from medhome.core.copy import FEW_ROWS

    practice = Practice.objects.create(name="Sizes", state="MA")
    actor = Actor(user=None, practice=practice, role="ehr_import", request_id="r3")
    assert not AuditChainHead.objects.filter(practice=practice).exists()
    for size in (1, FEW_ROWS, FEW_ROWS + 1, 3 * FEW_ROWS):
        record_many(
            actor=actor,
            entries=[Entry(Action.VIEW, "child", f"{size}-{n}", {"n": n}) for n in range(size)],
            at=AT,
        )
    total = 1 + FEW_ROWS + FEW_ROWS + 1 + 3 * FEW_ROWS
    head = AuditChainHead.objects.get(practice=practice)
    assert head.sequence == total
    assert AuditEvent.objects.filter(practice=practice).count() == total
    assert verify_chain(practice) == []
    last = AuditEvent.objects.filter(practice=practice).order_by("-sequence").first()
    assert last is not None and (last.detail, head.hash) == ({"n": 3 * FEW_ROWS - 1}, last.hash)


def test_a_chain_head_of_another_practice_is_not_moved():
    first = Practice.objects.create(name="First", state="MA")
    second = Practice.objects.create(name="Second", state="MA")
    for practice in (first, second):
        record(
            actor=Actor(user=None, practice=practice, role="x"),
            action=Action.VIEW,
            object_type="child",
            at=AT,
        )
    record_many(
        actor=Actor(user=None, practice=first, role="x"),
        entries=[Entry(Action.VIEW, "child", "a"), Entry(Action.VIEW, "child", "b")],
        at=AT,
    )
    heads = dict(AuditChainHead.objects.values_list("practice_id", "sequence"))
    assert (heads[first.pk], heads[second.pk]) == (3, 1)
    assert verify_chain(first) == [] and verify_chain(second) == []


def test_an_event_stamped_in_a_practices_local_time_still_verifies():
    """The demo's steps stamp some events in America/New_York: hashed as stored (UTC)."""
    from zoneinfo import ZoneInfo

    practice = Practice.objects.create(name="Local", state="MA")
    actor = Actor(user=None, practice=practice, role="x")
    local = AT.astimezone(ZoneInfo("America/New_York"))
    record(actor=actor, action=Action.VIEW, object_type="child", object_id="1", at=local)
    record_many(actor=actor, entries=[Entry(Action.VIEW, "child", "2")], at=local)
    assert verify_chain(practice) == []
    assert list(AuditEvent.objects.filter(practice=practice).values_list("at", flat=True)) == [
        AT,
        AT,
    ]
