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
from collections.abc import Callable

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


def memoize_date_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: replaces the functions Django registered a moment before."""
    if connection.vendor != "sqlite":
        return
    for name, arity, function in memoized():
        connection.connection.create_function(name, arity, function, deterministic=True)
