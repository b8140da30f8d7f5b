"""The audit table's monthly partitions and retention. Partitioning is PostgreSQL's: each test
checks what PostgreSQL does there and, on SQLite, that the one plain table and its rows stay as
they are (the way tests/test_audit.py treats the two engines)."""

import importlib
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from medhome.audit.checks import check_retention
from medhome.audit.models import Action, AuditChainAnchor, AuditChainHead, AuditEvent
from medhome.audit.partitions import (
    DEFAULT_PARTITION,
    TABLE,
    drop_expired,
    ensure_partitions,
    is_partitioned,
    kept_months,
    month_index,
    month_partitions,
    partition_name,
)
from medhome.audit.services import record, verify_chain
from medhome.core.actor import Actor
from medhome.jobs.registry import get
from medhome.practices.models import Practice

pytestmark = pytest.mark.django_db
PG = "postgresql"
OLD = [datetime(2018, 1, 10, tzinfo=UTC), datetime(2018, 1, 20, tzinfo=UTC)]
OLDER = datetime(2018, 2, 5, tzinfo=UTC)


def audit(settings_override: dict):
    return override_settings(
        MEDHOME_AUDIT={
            "partition_months_ahead": 3,
            "retention_months": None,
            "legal_minimum_months": 72,
            **settings_override,
        }
    )


def chain(name: str, *times: datetime) -> Practice:
    practice = Practice.objects.create(name=name, state="MA")
    actor = Actor(user=None, practice=practice, role="system")
    for n, at in enumerate(times, start=1):
        record(actor=actor, action=Action.VIEW, object_type="child", object_id=n, at=at)
    return practice


def where_is(event: AuditEvent) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s",  # noqa: S608
            [event.pk],
        )
        return cursor.fetchone()[0]


def test_the_table_is_partitioned_by_month_on_postgresql_and_one_table_on_sqlite():
    if connection.vendor != PG:
        assert not is_partitioned()
        assert TABLE in connection.introspection.table_names()
        assert ensure_partitions(now=timezone.now()) == 0
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_partkeydef(to_regclass(%s))", [TABLE])
        assert cursor.fetchone()[0] == "RANGE (at)"
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u') ORDER BY contype",
            [TABLE],
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "PRIMARY KEY (id, at)",
            "UNIQUE (practice_id, sequence, at)",
        ]
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DEFAULT_PARTITION])
        assert cursor.fetchone()[0]
    now = month_index(timezone.now())
    assert {now, now + 1, now + 2, now + 3} <= set(month_partitions())
    # Django still takes `id` as the key: a row reads back by it.
    practice = chain("Keys", timezone.now())
    event = AuditEvent.objects.get(practice=practice)
    assert AuditEvent.objects.get(pk=event.pk).sequence == 1


def test_an_event_goes_to_its_months_partition_and_an_unplanned_month_to_the_default():
    now = timezone.now()
    practice = chain("Months", OLD[0], now)
    old, recent = AuditEvent.objects.filter(practice=practice).order_by("sequence")
    if connection.vendor != PG:
        assert AuditEvent.objects.filter(practice=practice).count() == 2
        return
    assert where_is(recent) == partition_name(month_index(now))
    assert where_is(old) == DEFAULT_PARTITION


def test_the_job_makes_the_coming_months_once():
    later = datetime(2031, 5, 20, tzinfo=UTC)
    job = get("audit.partitions")
    assert job is not None
    with audit({"partition_months_ahead": 2}):
        made = job.run(now=later)
        again = job.run(now=later)
    if connection.vendor != PG:
        assert (made, again) == (0, 0)
        return
    assert (made, again) == (3, 0)
    assert {month_index(later) + n for n in range(3)} <= set(month_partitions())


def test_a_month_held_in_the_default_partition_gets_its_own_with_its_rows():
    practice = chain("Backdated", OLD[0], OLD[1], timezone.now())
    made = ensure_partitions(now=timezone.now())
    if connection.vendor != PG:
        assert made == 0
        return
    assert made == 1  # January 2018; this month and the next were made by the migration
    first = AuditEvent.objects.filter(practice=practice).order_by("sequence").first()
    assert where_is(first) == partition_name(month_index(OLD[0]))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DEFAULT_PARTITION}")  # noqa: S608
        assert cursor.fetchone()[0] == 0
    assert verify_chain(practice) == []


def test_the_database_refuses_update_and_delete_on_every_partition():
    chain("Partitions", OLD[0], datetime(2030, 1, 1, tzinfo=UTC), timezone.now())
    tables = [TABLE]
    if connection.vendor == PG:
        ensure_partitions(now=timezone.now())
        chain("Default", datetime(2040, 1, 1, tzinfo=UTC))  # a row in the default partition
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT tableoid::regclass::text FROM audit_auditevent "
                "WHERE at < '2041-01-01'"
            )
            holding = sorted(row[0] for row in cursor.fetchall())
            # Every partition, the empty ones ahead too, carries the parent's trigger.
            cursor.execute(
                "SELECT COUNT(*) FROM pg_inherits i WHERE i.inhparent = to_regclass(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = i.inhrelid "
                "AND t.tgname = 'audit_auditevent_append_only')",
                [TABLE],
            )
            assert cursor.fetchone()[0] == 0
        now = month_index(timezone.now())
        assert holding == sorted(
            [partition_name(i) for i in (month_index(OLD[0]), 2030 * 12, now)] + [DEFAULT_PARTITION]
        )
        tables += holding
    for table in tables:
        for statement in (f"UPDATE {table} SET hash = 'x'", f"DELETE FROM {table}"):  # noqa: S608
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
    assert AuditEvent.objects.filter(practice__name="Partitions").count() == 3


@pytest.mark.parametrize(
    ("retention", "minimum", "refused"),
    [(None, 72, False), (72, 72, False), (120, 72, False), (71, 72, True), (12, 72, True)],
)
def test_a_retention_below_the_legal_minimum_stops_the_server(retention, minimum, refused):
    with audit({"retention_months": retention, "legal_minimum_months": minimum}):
        errors = check_retention()
        kept = kept_months()
    assert [error.id for error in errors] == (["medhome.E103"] if refused else [])
    # Silenced, the check still cannot shorten what the job keeps.
    assert kept == (None if retention is None else max(retention, minimum))


def test_retention_drops_whole_old_months_and_the_chain_verifies_from_its_anchor(capsys):
    now = timezone.now()
    practice = chain("Old", *OLD, OLDER, now)
    recent = chain("Recent", now, now)
    ensure_partitions(now=now)
    with audit({"retention_months": 72}):
        dropped = drop_expired(now=now)
    if connection.vendor != PG:
        assert dropped == 0  # SQLite keeps every event (docs/deploy.md)
        assert AuditEvent.objects.filter(practice=practice).count() == 4
        assert not AuditChainAnchor.objects.exists()
        return
    assert dropped == 2
    assert not {month_index(OLD[0]), month_index(OLDER)} & set(month_partitions())
    anchor = AuditChainAnchor.objects.get(practice=practice)
    assert (anchor.sequence, anchor.dropped_before) == (3, datetime(2018, 3, 1, tzinfo=UTC))
    kept = list(AuditEvent.objects.filter(practice=practice).order_by("sequence"))
    assert [event.sequence for event in kept] == [4, 5, 6]
    assert kept[0].previous_hash == anchor.hash
    # Each drop is itself in the chain: who (the system), what month, how many.
    removals = [(e.object_id, e.detail) for e in kept if e.action == Action.DELETE]
    assert removals == [
        ("201801", {"events": 2, "through_sequence": 2}),
        ("201802", {"events": 1, "through_sequence": 3}),
    ]
    assert verify_chain(practice) == [] and verify_chain(recent) == []
    assert not AuditChainAnchor.objects.filter(practice=recent).exists()
    call_command("verify_audit_chain")
    assert capsys.readouterr().err == ""


def test_retention_keeps_months_within_the_legal_minimum_even_when_set_shorter():
    now = timezone.now()
    five_years_ago = now.replace(year=now.year - 5, day=1)
    practice = chain("Young", five_years_ago, now)
    ensure_partitions(now=now)
    with audit({"retention_months": 12}):  # below the minimum: the check refuses to start
        assert drop_expired(now=now) == 0
    assert AuditEvent.objects.filter(practice=practice).count() == 2


def test_retention_keeps_a_month_whose_events_are_not_the_start_of_the_chain():
    """An event recorded now with an old time sits in an old month after newer links: dropping
    that month would cut a hole in the chain, so it and every later month stay."""
    now = timezone.now()
    practice = chain("Hole", now, OLD[0], now)
    ensure_partitions(now=now)
    with audit({"retention_months": 72}):
        assert drop_expired(now=now) == 0
    assert AuditEvent.objects.filter(practice=practice).count() == 3
    assert not AuditChainAnchor.objects.exists()
    assert verify_chain(practice) == []


def test_the_chain_verifies_from_its_anchor_on_both_engines():
    """What the retention job leaves, made by hand where SQLite cannot drop a month: the oldest
    events gone and an anchor at the last of them. A wrong anchor breaks the chain."""
    practice = chain("Anchored", *OLD, OLDER, timezone.now())
    gone = AuditEvent.objects.filter(practice=practice, sequence__lte=2)
    last_gone = gone.get(sequence=2)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
            gone._raw_delete(connection.alias)
            cursor.execute(
                "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
            )
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
            gone._raw_delete(connection.alias)
            cursor.execute("SET LOCAL session_replication_role = origin")
    assert verify_chain(practice) == [3]  # from genesis, the first row left does not link
    anchor = AuditChainAnchor.objects.create(
        practice=practice, sequence=2, hash=last_gone.hash, dropped_before=OLDER
    )
    assert verify_chain(practice) == []
    AuditChainAnchor.objects.filter(pk=anchor.pk).update(hash="f" * 64)
    assert verify_chain(practice) == [3]
    head = AuditChainHead.objects.get(practice=practice)
    assert head.sequence == 4


def checks_now() -> None:
    """The rows' deferred key checks, run now: PostgreSQL drops no table with checks pending (a
    test writes and migrates in one transaction; a real migration finds them committed)."""
    if connection.vendor == PG:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_migration_moves_existing_events_into_their_months_and_back():
    """Migration 0004 on a trail that already holds events (the demo's, a deployment's): taken
    back to one table and partitioned again, every row is kept, in its month, and the chain, the
    numbering of new rows and the append-only trigger carry on."""
    migration = importlib.import_module("medhome.audit.migrations.0004_partition_by_month")
    practice = chain("Migrated", OLD[0], OLDER, timezone.now())
    checks_now()
    for step, partitioned in ((migration.unpartition, False), (migration.partition, True)):
        if connection.vendor == PG:
            with connection.schema_editor() as editor:
                step(apps, editor)
        else:  # nothing to do there (and SQLite's schema editor refuses a test's transaction)
            step(apps, SimpleNamespace(connection=connection))
        assert is_partitioned() == (partitioned and connection.vendor == PG)
        record(
            actor=Actor(user=None, practice=practice, role="system"),
            action=Action.VIEW,
            object_type="child",
            at=timezone.now(),
        )
        checks_now()
        assert verify_chain(practice) == []
    events = list(AuditEvent.objects.filter(practice=practice).order_by("sequence"))
    assert [event.sequence for event in events] == [1, 2, 3, 4, 5]
    assert len({event.pk for event in events}) == 5
    if connection.vendor == PG:
        assert where_is(events[0]) == partition_name(month_index(OLD[0]))
        assert where_is(events[1]) == partition_name(month_index(OLDER))
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {partition_name(month_index(OLD[0]))}")  # noqa: S608
