"""Memoized date functions on SQLite connections.

SQLite has no time zones and no date arithmetic of its own, so Django computes `TruncDate`
(`django_datetime_cast_date`) and date ± interval (`django_format_dtdelta`) in Python, one call
per row and per use. The measures compare visit days pairwise (W30's spacing, "the first visit
in the window") and call them hundreds of thousands of times over a few thousand distinct
values: a 10,000-child W30 rate made 166,412 calls on 5,178 distinct arguments. Both functions
are pure (Django registers them as deterministic), so the same function behind a bounded LRU
cache returns the same values ~4x faster there. PostgreSQL does this in C and is not touched.
"""

import functools
import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from django.db.backends.utils import split_tzname_delta

# (SQL name, number of arguments, Django's implementation in django.db.backends.sqlite3._functions)
MEMOIZED = (
    ("django_datetime_cast_date", 3, "_sqlite_datetime_cast_date"),
    ("django_format_dtdelta", 3, "_sqlite_format_dtdelta"),
)
CACHE_SIZE = 1 << 16  # distinct argument triples kept, shared by every connection


@functools.cache
def memoized() -> tuple[tuple[str, int, Callable], ...]:
    """Django's functions behind an LRU cache; those Django no longer has are left as they are."""
    from django.db.backends.sqlite3 import _functions  # type: ignore[attr-defined]

    found = []
    for name, arity, attribute in MEMOIZED:
        original = getattr(_functions, attribute, None)
        if original is not None:
            found.append((name, arity, functools.lru_cache(maxsize=CACHE_SIZE)(original)))
    return tuple(found)


@functools.lru_cache(maxsize=CACHE_SIZE)
def local_midnight(day: str | None, days: int, tzname: str | None, conn_tzname: str | None):
    """measures.sql.LocalMidnight: the first moment of the local day `day + days` (midnight,
    fold=0, as measures.sql._first_moment), written as Django writes a datetime to SQLite: in
    the connection's time zone (UTC unless DATABASES sets one), naive. `day` is a date, or the
    datetime Django's date arithmetic returns; without time zones (no tzname) a local time."""
    if day is None:
        return None
    midnight = datetime.combine(date.fromisoformat(day[:10]) + timedelta(days=days), time.min)
    if tzname is not None:
        stored = _zone(conn_tzname) if conn_tzname else UTC
        midnight = midnight.replace(tzinfo=_zone(tzname)).astimezone(stored).replace(tzinfo=None)
    return str(midnight)


def _zone(name: str) -> tzinfo:
    """A zone by the name Django passes to its own SQLite functions: a key, or "UTC+05:00"."""
    key, sign, offset = split_tzname_delta(name)
    if not offset:
        return zoneinfo.ZoneInfo(key)
    hours, minutes = offset.split(":")
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(delta if sign == "+" else -delta)


def memoize_date_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: replaces the functions Django registered a moment before,
    and adds local_midnight."""
    if connection.vendor != "sqlite":
        return
    for name, arity, function in memoized():
        connection.connection.create_function(name, arity, function, deterministic=True)
    connection.connection.create_function(
        "medhome_local_midnight", 4, local_midnight, deterministic=True
    )
