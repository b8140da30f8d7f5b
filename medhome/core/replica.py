"""The measures read from a PostgreSQL streaming read replica while it keeps up.

With MEDHOME_REPLICA_URL set (medhome.core.databases adds the "replica" alias), the router sends
the reads of the measures' summary table (the dashboard, a measure's page, the network page, the
CSV export) to the replica (`reading_alias`), a measures recompute reads everything it computes
from there (`reading_replica`), and a Bulk Data export reads its rows there when the replica has
caught up with the primary as the export starts (`caught_up_alias`).
Every write goes to the primary. The replica serves only while it is at most
MEDHOME_REPLICA_MAX_LAG_SECONDS behind: caught up when it has replayed the primary's current WAL
position (or does within REPLAY_GRACE_SECONDS), else behind by the time since the last
transaction it replayed. A replica behind the
bound, or one that does not answer, is passed over for the primary until the next check
(MEDHOME_REPLICA_CHECK_SECONDS later, per process): a reader gets figures a few seconds old
at worst, never minutes, and never an error because of the replica. Without a replica
everything reads the primary, as before.
"""

import contextvars
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections

from .databases import REPLICA

logger = logging.getLogger(__name__)
DEFAULT = "default"
# Models whose every read may come from the replica: figures the worker computed, read many
# times; never something a person just wrote and expects to see at once.
ROUTED = frozenset({"measures.measurefigure"})


@dataclass(frozen=True)
class Lag:
    seconds: float | None  # None: the replica did not answer
    checked_at: float  # time.monotonic()

    @property
    def serves(self) -> bool:
        bound = settings.MEDHOME_REPLICA_MAX_LAG_SECONDS
        return self.seconds is not None and self.seconds <= bound


_last = threading.local()
# Set by `reading_replica` for a block that only reads (a measures recompute's engine): every
# model's reads go to the replica. A context variable, so a thread pool that copies the
# caller's context (measures.figures) reads there too, and nothing else in the process does.
_every_read = contextvars.ContextVar("medhome_replica_every_read", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def _primary_position() -> str:
    """The primary's flushed WAL position: what a committed transaction has reached, and what
    streaming sends."""
    with connections[DEFAULT].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_flush_lsn()::text")
        return str(cursor.fetchone()[0])


def _replayed(position: str) -> tuple[bool, float | None]:
    """(has the replica replayed `position`, seconds since the last transaction it replayed)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn, "
            "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())",
            [position],
        )
        caught_up, since_replay = cursor.fetchone()
    return bool(caught_up), None if since_replay is None else float(since_replay)


# How long a lag check waits for the replica to replay the primary's position before it takes
# the time since the last replayed transaction as the lag. A streaming replica replays a flushed
# position within milliseconds; without the wait, a checkpoint an idle primary writes (WAL with
# no transaction) made a healthy replica look minutes behind: its last transaction was that old.
REPLAY_GRACE_SECONDS = 0.25
REPLAY_POLL_SECONDS = 0.025


def measure_lag() -> float | None:
    """Seconds the replica is behind the primary: 0 when it has replayed the primary's flushed
    WAL position; the time it took when it does so within REPLAY_GRACE_SECONDS; else the time
    since the last transaction it replayed. None when either does not answer."""
    started = time.monotonic()
    try:
        position = _primary_position()
        caught_up, since_replay = _replayed(position)
        while not caught_up and time.monotonic() - started < REPLAY_GRACE_SECONDS:
            time.sleep(REPLAY_POLL_SECONDS)
            caught_up, since_replay = _replayed(position)
            if caught_up:
                return time.monotonic() - started
    except DatabaseError as error:
        logger.warning("replica: lag check failed: %s", type(error).__qualname__)
        return None
    return 0.0 if caught_up else since_replay


def lag(*, fresh: bool = False) -> Lag:
    """The replica's lag as last checked by this thread, checked again when older than
    MEDHOME_REPLICA_CHECK_SECONDS (or `fresh`)."""
    found: Lag | None = getattr(_last, "lag", None)
    now = time.monotonic()
    if fresh or found is None or now - found.checked_at >= settings.MEDHOME_REPLICA_CHECK_SECONDS:
        found = Lag(measure_lag(), now)
        if not found.serves:
            logger.warning("replica: behind or not answering; reading the primary")
        _last.lag = found
    return found


def reading_alias() -> str:
    """Where a read that may be a few seconds old goes: the replica while it keeps up."""
    if not configured():
        return DEFAULT
    return REPLICA if lag().serves else DEFAULT


def caught_up_alias(*, wait_seconds: float | None = None) -> str:
    """Where a read that must hold every commit made so far goes: the replica once it has
    replayed the primary's WAL position of this moment, waiting for it up to `wait_seconds`
    (MEDHOME_REPLICA_CATCH_UP_SECONDS), else the primary. A Bulk Data export reads so: its
    transactionTime promises that a later `_since` export picks up exactly where it ends."""
    if not configured():
        return DEFAULT
    if wait_seconds is None:
        wait_seconds = settings.MEDHOME_REPLICA_CATCH_UP_SECONDS
    deadline = time.monotonic() + wait_seconds
    try:
        position = _primary_position()
        while not _replayed(position)[0]:
            if time.monotonic() >= deadline:
                logger.warning("replica: not caught up in time; reading the primary")
                return DEFAULT
            time.sleep(0.2)
    except DatabaseError as error:
        logger.warning("replica: catch-up check failed: %s", type(error).__qualname__)
        return DEFAULT
    return REPLICA


@contextmanager
def reading_replica() -> Iterator[str]:
    """Within the block every read goes to the replica when it has caught up (waiting up to
    MEDHOME_REPLICA_CATCH_UP_SECONDS) or keeps within the bound (checked once, at the start),
    else to the primary; writes to the primary as always. Only around code that writes
    nothing it then reads back: a replica does not see the primary's uncommitted rows. Yields
    the alias read."""
    # A long read (the nightly recompute) can wait a moment for the replica to catch up: just
    # after a quiet spell a replica milliseconds behind looks behind by the whole spell (the
    # time since the last transaction it replayed), and the choice holds for the whole block.
    alias = caught_up_alias()
    if alias != REPLICA:
        alias = reading_alias()
    token = _every_read.set(alias == REPLICA)
    try:
        yield alias
    finally:
        _every_read.reset(token)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: the ROUTED models' reads to `reading_alias`; every write, and
    every migration, to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _every_read.get():
            return REPLICA
        if model._meta.label_lower in ROUTED:
            return reading_alias()
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is the primary's copy: the same rows

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        return db != REPLICA
