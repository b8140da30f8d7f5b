import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction

from medhome.core.actor import Actor
from medhome.core.copy import insert_values
from medhome.practices.models import Practice

from .models import Action, AuditChainHead, AuditEvent


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
) -> AuditEvent:
    """Append one event to the practice's chain, inside the caller's transaction."""
    entry = Entry(action=action, object_type=object_type, object_id=object_id, detail=detail or {})
    with transaction.atomic():
        event = AuditEvent(**_chained(actor, [entry], at, practice)[0])
        event.save()
    return event


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
    with transaction.atomic():
        insert_values(AuditEvent, _chained(actor, entries, at, practice))
    return len(entries)


def _chained(
    actor: Actor, entries: Sequence[Entry], at: datetime, practice: Practice | None
) -> list[dict[str, Any]]:
    """The events' rows, linked to the head of the chain, which is locked and moved past them
    (the caller writes the rows in the same transaction)."""
    practice = practice or actor.practice
    if practice is None:
        raise ValueError("an audit event needs a practice")
    # Hashed as the database gives it back (UTC): a caller's local time (a practice's zone) would
    # hash one offset and `verify_chain` recompute another, and the chain would read as broken.
    at = at.astimezone(UTC)
    sequence, previous = _locked_head(practice)
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
    _move_head(practice, sequence, previous)
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
    backup's, ops.backup).
    """
    broken: list[int] = []
    previous = "0" * 64
    expected_sequence = 1
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
    last_sequence = last.sequence if last else 0
    if head is not None and head_sequence > last_sequence:
        broken.append(last_sequence + 1)
    elif head and last and head.hash != last.hash and last.sequence not in broken:
        broken.append(last.sequence)  # not the row the head recorded: deleted and rewritten
    return broken


def truncation(practice: Practice) -> str | None:
    """A sentence when the newest events are missing (the head is past the last row)."""
    head = AuditChainHead.objects.filter(practice=practice).first()
    last = AuditEvent.objects.filter(practice=practice).order_by("-sequence").first()
    last_sequence = last.sequence if last else 0
    if head is None or head.sequence <= last_sequence:
        return None
    return (
        f"truncated: the head is at sequence {head.sequence} but the last event is "
        f"{last_sequence}, so {head.sequence - last_sequence} newest event(s) are missing"
    )
