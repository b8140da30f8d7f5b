"""Every measure's figure for one period at once: what a report or the dashboard reads.

The measures are independent queries, so they run on `MEDHOME_MEASURE_WORKERS` database
connections at a time (default 2, one per core of the reference machine): each connection is
served by its own database process, which is how a set of measures uses more than one core
(PostgreSQL's parallel workers do not help the per-child sub-plans of these queries). Inside a
transaction (tests, ATOMIC_REQUESTS) other connections could not see its rows, and SQLite is
one file with one writer (the test database is in memory), so there the measures run one after
another on the caller's connection.
"""

import contextvars
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from medhome.measures import batches, engine, strata
from medhome.measures.suppression import Cell


def _run(task: batches.Task, practices, start: date, end: date) -> dict[str, Cell]:
    """One query's measures (a batch, or one measure) as total Cells."""
    if task.batch is None:
        key = task.keys[0]
        membership = engine.membership(key, practices=practices, period_start=start, period_end=end)
        return {key: strata.total(membership)}
    batch = batches.build(task.batch, practices=practices, period_start=start, period_end=end)
    label = _("All children")
    return {
        key: Cell(
            "total",
            label,
            numerator,
            denominator,
            False,
            engine.median_days(durations) if key in batch.median else None,
        )
        for key, (numerator, denominator, durations) in batches.counts(batch, task.keys).items()
    }


def _in_worker(task: batches.Task, practices, start: date, end: date) -> dict[str, Cell]:
    try:
        return _run(task, practices, start, end)
    finally:
        connections.close_all()  # this thread's connections; the pool's threads end here


def all_figures(
    keys, *, practices, period_start: date, period_end: date, workers: int | None = None
) -> dict[str, Cell]:
    """{measure key: total Cell (numerator, denominator, median days)} in the order given.
    Related measures come from one query (measures.batches)."""
    keys = list(dict.fromkeys(keys))
    practices = list(practices)
    tasks = batches.plan(keys)
    configured = getattr(settings, "MEDHOME_MEASURE_WORKERS", 2)
    count: int = workers if workers else int(configured)
    serial = connection.vendor != "postgresql" or connection.in_atomic_block
    found: dict[str, Cell] = {}
    if serial or count <= 1 or len(tasks) <= 1:
        for task in tasks:
            found.update(_run(task, practices, period_start, period_end))
        return {key: found[key] for key in keys}
    # Longest first (longest-processing-time order), so no connection is left with one big
    # query at the end while the other has nothing to do.
    ordered = sorted(tasks, key=_cost, reverse=True)
    # Each task runs in a copy of the caller's context: a recompute reading the replica
    # (core.replica.reading_replica) reads it on every connection.
    with ThreadPoolExecutor(max_workers=count) as pool:
        for cells in pool.map(
            lambda pair: pair[0].run(_in_worker, pair[1], practices, period_start, period_end),
            [(contextvars.copy_context(), task) for task in ordered],
        ):
            found.update(cells)
    return {key: found[key] for key in keys}


def _cost(task: batches.Task) -> float:
    return COST.get(task.batch or task.keys[0], 1.0)


# Seconds each query took at 1M children on PostgreSQL, the shipped programs running
# (docs/benchmarks.md, "Measures engine against hand-written SQL", second pass): the
# order in which all_figures starts them. Unlisted ones are short.
COST = {
    "sns_screen": 5.8,
    "prog_ror_books": 5.6,
    "cdep": 5.4,
    "wcv": 4.9,
    "programs": 3.1,
    "prog_screen_contact": 2.2,
    "sns_followup": 2.0,
    "w30_1": 1.6,
    "asd": 1.5,
    "cdep_once": 1.4,
    "dev": 1.1,
    "w30_2": 1.0,
    "followed_up": 0.8,
    "cdep_once_any": 0.8,
}
