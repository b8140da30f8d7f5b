"""The audit table's monthly partitions on PostgreSQL and the retention that drops old months.

On PostgreSQL `audit_auditevent` is partitioned by RANGE on `at` (migration 0004), one partition
per UTC calendar month (`audit_auditevent_pYYYYMM`) and a DEFAULT partition, so an insert never
fails for want of a month. The daily job `audit.partitions` keeps this month and the next
MEDHOME_AUDIT["partition_months_ahead"] ready, and gives any month found in the DEFAULT partition
(an event recorded with an old or far-future time) its own partition, moving those rows in one
transaction. The daily job `audit.retention` drops whole months older than both
MEDHOME_AUDIT["retention_months"] and MEDHOME_AUDIT["legal_minimum_months"], oldest first, and
only when each practice's events in that month are the start of its chain: the chain's anchor
(the last dropped event's sequence and hash) is kept so `verify_chain` checks the rest from there.

SQLite (the embedded, single-machine database) has no partitions, and retention drops nothing
there: its table and its append-only triggers stay as they are.
"""

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from medhome.core.actor import Actor
from medhome.practices.models import Practice

from .models import Action, AuditChainAnchor
from .services import record

TABLE = "audit_auditevent"
DEFAULT_PARTITION = f"{TABLE}_default"
PREFIX = f"{TABLE}_p"
DEFAULTS: dict[str, Any] = {
    "partition_months_ahead": 3,
    "retention_months": None,
    "legal_minimum_months": 72,
}
# One runner at a time: two workers creating the same month would collide (any constant works,
# it only has to be this job's own).
LOCK_KEY = 0x4D48_4155  # "MHAU"
SYSTEM = "system"  # the role the audit trail names for the retention job


def setting(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "MEDHOME_AUDIT", {})}[name]


# --- Months ---------------------------------------------------------------------------------


def month_index(at: datetime) -> int:
    at = at.astimezone(UTC)
    return at.year * 12 + at.month - 1


def month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(index: int) -> str:
    start = month_start(index)
    return f"{PREFIX}{start.year:04d}{start.month:02d}"


def _index_of(name: str) -> int | None:
    digits = name.removeprefix(PREFIX)
    if not name.startswith(PREFIX) or len(digits) != 6 or not digits.isdigit():
        return None
    return int(digits[:4]) * 12 + int(digits[4:]) - 1


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind = 'p' FROM pg_class c WHERE c.oid = to_regclass(%s)", [TABLE]
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def month_partitions() -> list[int]:
    """The months that have their own partition, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    return sorted(index for name in names if (index := _index_of(name)) is not None)


def _bounds(index: int) -> tuple[str, str]:
    return month_start(index).isoformat(), month_start(index + 1).isoformat()


def create_month(cursor: Any, index: int) -> None:
    """A partition for the month, its rows moved out of the DEFAULT partition if it held any
    (PostgreSQL refuses a new partition whose rows sit in the DEFAULT one). Detached, the
    DEFAULT partition has no append-only trigger, so the moved rows can leave it; it is attached
    again, trigger and all, before the transaction ends."""
    quote = connection.ops.quote_name
    name, parent, default = quote(partition_name(index)), quote(TABLE), quote(DEFAULT_PARTITION)
    start, end = _bounds(index)
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {default} WHERE at >= %s AND at < %s)",  # noqa: S608
        [start, end],
    )
    if not cursor.fetchone()[0]:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {parent} "
            f"FOR VALUES FROM ('{start}') TO ('{end}')"
        )
        return
    cursor.execute(f"ALTER TABLE {parent} DETACH PARTITION {default}")
    cursor.execute(
        f"CREATE TABLE {name} PARTITION OF {parent} FOR VALUES FROM ('{start}') TO ('{end}')"
    )
    where = "WHERE at >= %s AND at < %s"
    cursor.execute(f"INSERT INTO {name} SELECT * FROM {default} {where}", [start, end])  # noqa: S608
    cursor.execute(f"DELETE FROM {default} {where}", [start, end])  # noqa: S608
    cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {default} DEFAULT")


def ensure_partitions(*, now: datetime) -> int:
    """Create this month's partition, the next months' ahead and one for each month held in the
    DEFAULT partition; idempotent. The number of partitions created."""
    if not is_partitioned():
        return 0
    current = month_index(now)
    wanted = set(range(current, current + int(setting("partition_months_ahead")) + 1))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') "  # noqa: S608
            f"FROM {connection.ops.quote_name(DEFAULT_PARTITION)}"
        )
        wanted |= {row[0].year * 12 + row[0].month - 1 for row in cursor.fetchall()}
        missing = sorted(wanted - set(month_partitions()))
        for index in missing:
            create_month(cursor, index)
    return len(missing)


# --- Retention ------------------------------------------------------------------------------


def kept_months() -> int | None:
    """Whole months kept before the current one, or None when events are kept forever. Never
    less than the legal minimum, whatever the setting says (the start-up check refuses that)."""
    retention = setting("retention_months")
    if retention is None:
        return None
    return max(int(retention), int(setting("legal_minimum_months")))


def expired_months(*, now: datetime) -> list[int]:
    """The month partitions that end on or before the retention's cut-off, oldest first."""
    kept = kept_months()
    if kept is None or not is_partitioned():
        return []
    cutoff = month_index(now) - kept
    return [index for index in month_partitions() if index + 1 <= cutoff]


def drop_expired(*, now: datetime) -> int:
    """Drop the expired months, oldest first, each in its own transaction with the anchors it
    moves; stop at the first month that cannot go (its events are not the start of a practice's
    chain: an event recorded later with an older time). The number of partitions dropped.

    Each drop is then recorded in the practices' chains, in a transaction of its own: recording
    locks a chain's head, and a request that holds its head while it waits for the audit table
    (which DETACH locks) would otherwise deadlock with the drop."""
    dropped = 0
    for index in expired_months(now=now):
        moves = _drop_month(index)
        if moves is None:
            break
        dropped += 1
        for practice_id, last, count in moves:
            with transaction.atomic():
                record(
                    actor=Actor(
                        user=None, practice=Practice.objects.get(pk=practice_id), role=SYSTEM
                    ),
                    action=Action.DELETE,
                    object_type="audit_month",
                    object_id=partition_name(index).removeprefix(PREFIX),
                    at=now,
                    detail={"events": count, "through_sequence": last},
                )
    return dropped


def _drop_month(index: int) -> list[tuple[Any, int, int]] | None:
    """Detach and drop the month's partition and move the anchors of the practices it held,
    or None (and nothing done) when it is not the start of every one of their chains."""
    quote = connection.ops.quote_name
    name = partition_name(index)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # No event may reach the month between the checks below and the drop.
        cursor.execute(f"LOCK TABLE {quote(name)} IN EXCLUSIVE MODE")
        cursor.execute(
            f"SELECT practice_id, MAX(sequence), COUNT(*) FROM {quote(name)} "  # noqa: S608
            "GROUP BY practice_id"
        )
        ends = cursor.fetchall()
        anchors = {
            anchor.practice_id: anchor
            for anchor in AuditChainAnchor.objects.filter(practice_id__in=[e[0] for e in ends])
        }
        moves: list[tuple[Any, int, int, str]] = []
        for practice_id, last, count in ends:
            previous = anchors[practice_id].sequence if practice_id in anchors else 0
            cursor.execute(
                f"SELECT MIN(sequence) FROM {quote(TABLE)} "  # noqa: S608
                "WHERE practice_id = %s AND tableoid <> to_regclass(%s)",
                [practice_id, name],
            )
            after = cursor.fetchone()[0]
            # The month's events must be exactly the chain's next links from the anchor, and
            # nothing older may stay behind: otherwise the chain would have a hole.
            if count != last - previous or (after is not None and after <= last):
                return None
            cursor.execute(
                f"SELECT hash FROM {quote(name)} WHERE practice_id = %s AND sequence = %s",  # noqa: S608
                [practice_id, last],
            )
            moves.append((practice_id, last, count, cursor.fetchone()[0]))
        # A foreign key check still deferred on the month's rows (moved there in the caller's
        # transaction) would keep PostgreSQL from dropping it: run them now. Django's keys are
        # all deferred by default, so deferring them again after is their normal state.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {quote(TABLE)} DETACH PARTITION {quote(name)}")
        cursor.execute(f"DROP TABLE {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for practice_id, last, _count, digest in moves:
            AuditChainAnchor.objects.update_or_create(
                practice_id=practice_id,
                defaults={
                    "sequence": last,
                    "hash": digest,
                    "dropped_before": month_start(index + 1),
                },
            )
    return [(practice_id, last, count) for practice_id, last, count, _ in moves]
