from datetime import UTC, datetime

import pytest
from django.db import transaction

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
from tests.test_audit import delete_newest

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


@pytest.fixture
def committed(transactional_db):
    """Tests whose rows are committed: the test database is emptied after them, which the
    append-only trigger refuses on SQLite, so their practices' events go first, as
    tests/test_audit.py deletes them (trigger off)."""
    practices = []
    yield practices.append
    for practice in practices:
        with transaction.atomic():  # its SET LOCAL lasts a transaction
            delete_newest(practice, AuditEvent.objects.filter(practice=practice).count())


def test_an_append_outside_any_transaction_is_its_own_and_is_committed(committed):
    """A read's audit (no request transaction): on PostgreSQL BEGIN goes with the lock and COMMIT
    with the writes; the query log counts the statements as every database runs them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    practice = Practice.objects.create(name="Own", state="MA")
    committed(practice)
    actor = Actor(user=None, practice=practice, role="pediatrician", request_id="r3")
    record(actor=actor, action=Action.VIEW, object_type="child", object_id="1", at=AT)
    with CaptureQueriesContext(connection) as queries:
        record_many(
            actor=actor,
            entries=[Entry(Action.VIEW, "child", "2"), Entry(Action.VIEW, "child", "3")],
            at=AT,
        )
    statements = [
        q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN IMMEDIATE", "COMMIT")
    ]
    assert len(statements) == 3  # the head locked, the head moved, the rows
    assert not connection.in_atomic_block
    if connection.vendor == "postgresql":  # nothing left open on the connection
        assert connection.connection.info.transaction_status == 0
    assert verify_chain(practice) == []
    head = AuditChainHead.objects.get(practice=practice)
    assert head.sequence == 3


def test_an_append_that_fails_moves_no_head_and_leaves_no_row(committed):
    """A row already holding the next sequence (written around the chain) makes the insert
    fail: the head's move, sent with it, is rolled back too, and the next append after the
    stray row is removed goes on from the same head."""
    from django.db import IntegrityError

    practice = Practice.objects.create(name="Fails", state="MA")
    committed(practice)
    actor = Actor(user=None, practice=practice, role="pediatrician", request_id="r4")
    record(actor=actor, action=Action.VIEW, object_type="child", object_id="1", at=AT)
    head = AuditChainHead.objects.get(practice=practice)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                practice=practice,
                sequence=2,
                at=AT,
                actor_label="x",
                role="x",
                action=Action.VIEW,
                object_type="stray",
                previous_hash="",
                hash="",
            )
        ]
    )
    with pytest.raises(IntegrityError):
        record_many(actor=actor, entries=[Entry(Action.VIEW, "child", "2")], at=AT)
    assert AuditChainHead.objects.get(practice=practice).hash == head.hash
    assert AuditChainHead.objects.get(practice=practice).sequence == 1
    assert list(
        AuditEvent.objects.filter(practice=practice).values_list("object_type", flat=True)
    ) == ["child", "stray"]
