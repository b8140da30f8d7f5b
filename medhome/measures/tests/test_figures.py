"""All figures at once equal the measures one by one; the parallel path keeps the order and
uses several connections (bench/measures.py compares its figures with compute() on
PostgreSQL at every size)."""

import threading

import pytest

from medhome.measures import engine, figures
from medhome.measures.definitions import MEASURE_ORDER
from medhome.measures.suppression import Cell

from .test_population import NEW_PERIODS, population, screenings_and_referrals


@pytest.mark.django_db
def test_figures_equal_compute(family_a, practice_a):
    kids = population(family_a, 60, "figures")
    screenings_and_referrals(kids, "figures")
    start, end = NEW_PERIODS[-1]

    together = figures.all_figures(
        MEASURE_ORDER, practices=[practice_a.pk], period_start=start, period_end=end
    )

    assert list(together) == list(MEASURE_ORDER)
    for key, cell in together.items():
        result = engine.compute(key, practices=[practice_a.pk], period_start=start, period_end=end)
        assert (cell.numerator, cell.denominator) == (result.numerator, result.denominator), key
        assert cell.median_days == result.median_days, key
    assert sum(cell.denominator for cell in together.values()) > 0


def test_parallel_path_keeps_the_order_and_uses_other_threads(monkeypatch):
    seen = []

    def run(task, practices, start, end):
        seen.append(threading.current_thread().name)
        return {key: Cell(key, key, len(key), 10) for key in task.keys}

    class Connection:
        vendor = "postgresql"
        in_atomic_block = False

    monkeypatch.setattr(figures, "_run", run)
    monkeypatch.setattr(figures, "connection", Connection())
    monkeypatch.setattr(figures.connections, "close_all", lambda: None)

    got = figures.all_figures(
        ["a", "bbb", "cc"], practices=[], period_start=None, period_end=None, workers=2
    )

    assert [(k, c.numerator) for k, c in got.items()] == [("a", 1), ("bbb", 3), ("cc", 2)]
    assert threading.current_thread().name not in seen
