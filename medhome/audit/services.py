import hashlib
import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction

from medhome.core.actor import Actor
from medhome.core.copy import FEW_ROWS, insert_statement, insert_values, logged
from medhome.practices.models import Practice

from .models import Action, AuditChainAnchor, AuditChainHead, AuditEvent


def event_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}|{body}".encode()).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "practice": str(event.practice_id),
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "request_id": event.request_id,
        "detail": event.detail,
    }


@dataclass(frozen=True)
class Entry:
    """One event of a batch appended by `record_many`."""

    action: Action
    object_type: str
    object_id: object = ""
    detail: dict[str, Any] = field(default_factory=dict)


def record(
    *,
    actor: Actor,
    action: Action,
    object_type: str,
    object_id: object = "",
    at: datetime,
    practice: Practice | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event to the practice's chain, inside the caller's transaction."""
    entry = Entry(action=action, object_type=object_type, object_id=object_id, detail=detail or {})
    record_many(actor=actor, entries=[entry], at=at, practice=practice)


def record_many(
    *,
    actor: Actor,
    entries: Sequence[Entry],
    at: datetime,
    practice: Practice | None = None,
) -> int:
    """Append several events to the practice's chain in one locked step, inside the caller's
    transaction, and return how many: the head is locked and moved once and the rows are
    inserted together (COPY on PostgreSQL, from plain values), so a bulk import audits
    thousands of changes without a round trip each. The chain is the one `record` writes, link
    by link (`verify_chain` cannot tell them apart)."""
    if not entries:
        return 0
    practice = practice or actor.practice
    if practice is None:
        raise ValueError("an audit event needs a practice")
    # Only an append that is its own transaction (a read's): inside the caller's transaction the
    # append keeps its savepoint, so a caller that catches a failure keeps a usable transaction.
    own = connection.vendor == "postgresql" and not connection.in_atomic_block
    if own and len(entries) <= FEW_ROWS and _append_few(actor, entries, at, practice):
        return len(entries)
    with transaction.atomic():
        sequence, previous = _locked_head(practice)
        rows = _linked(actor, entries, at, practice, sequence, previous)
        _move_head(practice, rows[-1]["sequence"], rows[-1]["hash"])
        insert_values(AuditEvent, rows)
    return len(entries)


def _append_few(actor: Actor, entries: Sequence[Entry], at: datetime, practice: Practice) -> bool:
    """A request's few events on PostgreSQL, outside any transaction (a read), in two round
    trips where the same statements one by one take five (BEGIN, lock, move, insert, COMMIT):
    every audited read waits on them, and its practice's other requests wait on the lock
    (docs/benchmarks.md, "FHIR API"). BEGIN goes with the lock, COMMIT with the writes. False
    when the practice has no head yet (its first event takes the ordinary path)."""
    key = _head_key(practice)
    lock = f"SELECT sequence, hash FROM {_head_table()} WHERE practice_id = %s FOR UPDATE"  # noqa: S608
    move = f"UPDATE {_head_table()} SET sequence = %s, hash = %s WHERE practice_id = %s"  # noqa: S608
    with connection.cursor() as wrapper, connection.wrap_database_errors:
        # psycopg's own cursor binds on the client and sends several statements as one
        # message; `logged` puts each in Django's query log as Django would, and its errors
        # are raised as Django's.
        cursor = wrapper.cursor
        try:
            with logged(lock):
                cursor.execute(f"BEGIN; {lock}", [key])
                cursor.nextset()
                head = cursor.fetchone()
            if head is None:
                cursor.execute("ROLLBACK")
                return False
            rows = _linked(actor, entries, at, practice, int(head[0]), str(head[1]))
            insert, values = insert_statement(AuditEvent, rows)
            with logged(move, insert):
                cursor.execute(
                    f"{move}; {insert}; COMMIT",
                    [rows[-1]["sequence"], rows[-1]["hash"], key, *values],
                )
        except BaseException:
            with suppress(Exception):  # a broken connection: the server has rolled back
                cursor.execute("ROLLBACK")
            raise
    return True


def _linked(
    actor: Actor,
    entries: Sequence[Entry],
    at: datetime,
    practice: Practice,
    sequence: int,
    previous: str,
) -> list[dict[str, Any]]:
    """The events' rows, linked to the head of the chain (`sequence`, `previous`), which the
    caller has locked and moves to the last row, in the transaction that writes them."""
    # Hashed as the database gives it back (UTC): a caller's local time (a practice's zone) would
    # hash one offset and `verify_chain` recompute another, and the chain would read as broken.
    at = at.astimezone(UTC)
    user = actor.user if getattr(actor.user, "pk", None) else None
    # The same for every event of the batch, as `hashed_fields` reads them back.
    shared = {
        "practice_id": practice.pk,
        "at": at,
        "actor_id": user.pk if user else None,
        "actor_label": str(user) if user else actor.role or "system",
        "role": actor.role,
        "request_id": actor.request_id,
    }
    hashed_shared = {
        "practice": str(practice.pk),
        "at": at.isoformat(),
        "actor": shared["actor_id"],
        "actor_label": shared["actor_label"],
        "role": actor.role,
        "request_id": actor.request_id,
    }
    # Whatever is read or written under a break-glass grant says so, on every row (the one
    # place: no caller has to remember it).
    lift = getattr(actor, "break_glass", None)
    rows = []
    for entry in entries:
        sequence += 1
        object_id = str(entry.object_id or "")
        detail = {**entry.detail, "break_glass": str(lift.grant_id)} if lift else entry.detail
        digest = event_hash(
            previous_hash=previous,
            fields={
                **hashed_shared,
                "sequence": sequence,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": object_id,
                "detail": detail,
            },
        )
        rows.append(
            {
                **shared,
                "sequence": sequence,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": object_id,
                "detail": detail,
                "previous_hash": previous,
                "hash": digest,
            }
        )
        previous = digest
    return rows


# Every audited request locks its practice's head, so the lock is taken and the head moved by
# two plain statements: the ORM took ≈ 1.5 ms of Python to compile them, all of it under the
# lock that every other request of the practice waits for (docs/benchmarks.md, "FHIR API").
def _locked_head(practice: Practice) -> tuple[int, str]:
    """The head's sequence and hash, locked until the caller's transaction ends."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sequence, hash FROM {_head_table()} WHERE practice_id = %s{lock}",  # noqa: S608
            [_head_key(practice)],
        )
        row = cursor.fetchone()
    if row is None:  # the practice's first event
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(practice=practice)
        return head.sequence, head.hash
    return int(row[0]), str(row[1])


def _move_head(practice: Practice, sequence: int, digest: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_head_table()} SET sequence = %s, hash = %s WHERE practice_id = %s",  # noqa: S608
            [sequence, digest, _head_key(practice)],
        )


def _head_table() -> str:
    return str(connection.ops.quote_name(AuditChainHead._meta.db_table))


def _head_key(practice: Practice) -> Any:
    key = AuditChainHead._meta.pk
    assert key is not None
    return key.get_db_prep_value(practice.pk, connection)


def verify_chain(practice: Practice, *, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The sequence numbers whose link is broken (empty when the chain is intact).

    The rows alone cannot show that the newest ones were deleted: what is left still links. So
    the chain is also compared with its stored head (the sequence and hash of the last event
    appended): rows missing at the end are reported from the first missing sequence, a last row
    that is not the head's as that row, and rows past the head (appended without it) as
    themselves. `truncation` says the same in words. `using` names another database (a restored
    backup's, ops.backup). Once the retention job has dropped a practice's oldest months, the
    chain is checked from its anchor (the last dropped event's sequence and hash), not genesis.
    """
    broken: list[int] = []
    anchor = AuditChainAnchor.objects.using(using).filter(practice=practice).first()
    previous = anchor.hash if anchor else "0" * 64
    start = anchor.sequence if anchor else 0
    expected_sequence = start + 1
    last: AuditEvent | None = None
    head = AuditChainHead.objects.using(using).filter(practice=practice).first()
    head_sequence = head.sequence if head else 0
    events = AuditEvent.objects.using(using).filter(practice=practice).order_by("sequence")
    for event in events.iterator():
        recomputed = event_hash(previous_hash=previous, fields=hashed_fields(event))
        if (
            event.sequence != expected_sequence
            or event.previous_hash != previous
            or event.hash != recomputed
            or event.sequence > head_sequence
        ):
            broken.append(event.sequence)
        previous = event.hash
        expected_sequence = event.sequence + 1
        last = event
    last_sequence = last.sequence if last else start
    last_hash = last.hash if last else previous
    if head is not None and head_sequence > last_sequence:
        broken.append(last_sequence + 1)
    elif head and head.hash != last_hash and last_sequence not in broken:
        broken.append(last_sequence)  # not the row the head recorded: deleted and rewritten
    return broken


def truncation(practice: Practice) -> str | None:
    """A sentence when the newest events are missing (the head is past the last row)."""
    head = AuditChainHead.objects.filter(practice=practice).first()
    last = AuditEvent.objects.filter(practice=practice).order_by("-sequence").first()
    anchor = AuditChainAnchor.objects.filter(practice=practice).first()
    last_sequence = last.sequence if last else (anchor.sequence if anchor else 0)
    if head is None or head.sequence <= last_sequence:
        return None
    return (
        f"truncated: the head is at sequence {head.sequence} but the last event is "
        f"{last_sequence}, so {head.sequence - last_sequence} newest event(s) are missing"
    )
