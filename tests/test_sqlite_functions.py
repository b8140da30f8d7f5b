"""The memoized SQLite date functions give exactly Django's values, and replace Django's on a
SQLite connection (not on others)."""

import sqlite3
from types import SimpleNamespace

from django.db.backends.sqlite3 import _functions

from medhome.core.sqlite_functions import MEMOIZED, memoize_date_functions, memoized

MOMENTS = [
    "2026-03-08 06:59:59",  # New York: 01:59:59 EST, the last second before spring forward
    "2026-03-08 07:00:00",
    "2026-11-01 04:30:00",  # New York: 00:30 EDT on the day clocks fall back
    "2026-12-31 04:59:59",  # New York: 23:59:59 on Dec 30
    "2026-12-31 05:00:00.000001",
    None,
]


def test_every_memoized_function_is_djangos_behind_a_cache():
    assert [name for name, _arity, _f in memoized()] == [name for name, _a, _f in MEMOIZED]
    for _name, _arity, function in memoized():
        assert hasattr(function, "cache_info")


def test_memoized_values_equal_djangos_twice():
    cast = {name: f for name, _a, f in memoized()}["django_datetime_cast_date"]
    delta = {name: f for name, _a, f in memoized()}["django_format_dtdelta"]
    for _round in range(2):  # the second round is answered from the cache
        for moment in MOMENTS:
            for zone in ("America/New_York", "Pacific/Chatham", "UTC"):
                args = (moment, zone, "UTC")
                assert cast(*args) == _functions._sqlite_datetime_cast_date(*args)
        for lhs, rhs in (("2026-02-28", 86_400_000_000), ("2024-02-29 23:00:00", 7_200_000_000)):
            for connector in ("+", "-"):
                assert delta(connector, lhs, rhs) == _functions._sqlite_format_dtdelta(
                    connector, lhs, rhs
                )


def test_a_sqlite_connection_gets_the_memoized_functions_and_others_are_left_alone():
    raw = sqlite3.connect(":memory:")
    memoize_date_functions(None, SimpleNamespace(vendor="sqlite", connection=raw))
    cast = {name: f for name, _a, f in memoized()}["django_datetime_cast_date"]
    before = cast.cache_info().hits + cast.cache_info().misses
    row = raw.execute(
        "SELECT django_datetime_cast_date('2026-12-31 04:59:59', 'America/New_York', 'UTC')"
    ).fetchone()
    assert row == ("2026-12-30",)
    assert cast.cache_info().hits + cast.cache_info().misses == before + 1

    untouched = SimpleNamespace(vendor="postgresql", connection=None)
    memoize_date_functions(None, untouched)  # would fail on a None connection if it acted
