"""Every measure's figure for one period at once: what a report or the dashboard reads.

The measures are independent queries, so they run on `MEDHOME_MEASURE_WORKERS` database
connections at a time (default 2, one per core of the reference machine): each connection is
served by its own database process, which is how a set of measures uses more than one core
(PostgreSQL's parallel workers do not help the per-child sub-plans of these queries). Inside a
transaction (tests, ATOMIC_REQUESTS) other connections could not see its rows, and SQLite is
one file with one writer (the test database is in memory), so there the measures run one after
another on the caller's connection.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from django.conf import settings
from django.db import connection, connections

from medhome.measures import engine, strata
from medhome.measures.suppression import Cell


def _one(key: str, practices, start: date, end: date) -> Cell:
    membership = engine.membership(key, practices=practices, period_start=start, period_end=end)
    return strata.total(membership)


def _in_worker(key: str, practices, start: date, end: date) -> Cell:
    try:
        return _one(key, practices, start, end)
    finally:
        connections.close_all()  # this thread's connections; the pool's threads end here


def all_figures(
    keys, *, practices, period_start: date, period_end: date, workers: int | None = None
) -> dict[str, Cell]:
    """{measure key: total Cell (numerator, denominator, median days)} in the order given."""
    keys = list(keys)
    practices = list(practices)
    configured = getattr(settings, "MEDHOME_MEASURE_WORKERS", 2)
    count: int = workers if workers else int(configured)
    serial = connection.vendor != "postgresql" or connection.in_atomic_block
    if serial or count <= 1 or len(keys) <= 1:
        return {key: _one(key, practices, period_start, period_end) for key in keys}
    # Largest denominators first (longest-processing-time order), so no connection is left
    # with one big measure at the end while the other has nothing to do.
    ordered = sorted(keys, key=lambda key: HEAVY_FIRST.get(key, len(HEAVY_FIRST)))
    with ThreadPoolExecutor(max_workers=count) as pool:
        cells = pool.map(lambda key: _in_worker(key, practices, period_start, period_end), ordered)
        found = dict(zip(ordered, cells, strict=True))
    return {key: found[key] for key in keys}


# Rank by the time each took at 1M children on PostgreSQL (docs/benchmarks.md, "Measures").
HEAVY_FIRST = {
    key: rank
    for rank, key in enumerate(
        (
            "cdep_visits",
            "sns_food_screen",
            "sns_housing_screen",
            "sns_transport_screen",
            "wcv",
            "w30_1",
            "wcv_3_11",
            "cdep_6m",
            "sns_food_followup",
            "cdep_4m",
            "cdep_2m",
            "cdep_1m",
            "w30_2",
            "cdep_once",
            "wcv_12_17",
        )
    )
}
