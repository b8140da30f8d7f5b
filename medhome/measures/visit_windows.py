"""The periodicity window of a well-child visit, as inclusive days, for the measures that count
"the 1-, 2-, 4-, 6-, 18- or 24-month visit" (shared by the engine and the reference).

Which visit an encounter or a screen belongs to follows medhome's periodicity windows
(docs/clinical-rules.md#visit-windows, medhome.periodicity.windows): a window is half-open [opens,
closes), e.g. the 2-month visit from 2 months − 14 days to the 4-month visit's opening; "by 1 month"
opens on day 6 (when the 3–5-day window closes). The numbers are the settings of
MEDHOME_PERIODICITY_RULES; the measures do not keep a second copy. The discharge date (which can
move the 1-month opening earlier) is not used: medhome does not record it on the child.
"""

import functools
from collections.abc import Callable
from datetime import date, timedelta

from medhome.periodicity.rules import Rules, current_rules
from medhome.periodicity.schedule import Schedule, current_schedule
from medhome.periodicity.windows import add_months, window_of

ONE = timedelta(days=1)
Window = Callable[[date], tuple[date, date]]


def visit_window(visit_key: str, on: date) -> Window:
    """dob -> (first, last) inclusive days of the visit's window, with the schedule in force on
    `on` (the period's last day) and the current periodicity rules."""
    return _window(visit_key, current_schedule(on), current_rules())


# Memoized per visit, schedule and rules (frozen, hashable; a change of either is a new key), and
# within that per date of birth: a measure asks for the same dates of birth several times (which
# births meet the period, then each bound per birth-date run), a window costs a schedule walk
# (~20 µs), and the worker's recompute asks again for each of its 28 periods. Without it,
# windows were 40 % of the Python time of one practice's caregiver-depression figures.
@functools.lru_cache(maxsize=64)
def _window(visit_key: str, schedule: Schedule, rules: Rules) -> Window:
    visit = schedule.visit(visit_key)

    @functools.lru_cache(maxsize=20_000)
    def window(dob: date) -> tuple[date, date]:
        found = window_of(dob, visit, schedule=schedule, rules=rules)
        return found.opens, found.closes - ONE

    return window


def months(dob: date, count: int) -> date:
    return add_months(dob, count)


def births_overlapping(window: Window, start: date, end: date) -> list[date]:
    """Every date of birth whose window meets [start, end], ascending. Both bounds are
    non-decreasing in the date of birth, so the result is one interval of dates, found by two
    binary searches over a range that holds it."""
    if end < start:
        return []
    first, last = window(start)
    lead, tail = (first - start).days, (last - start).days
    low, high = start - timedelta(days=tail + 10), end - timedelta(days=lead - 10)
    # The earliest birth whose window has not closed before `start`...
    earliest = _first_true(low, high, lambda dob: window(dob)[1] >= start)
    # ...and the first birth whose window opens after `end` (the one after the latest).
    after = _first_true(low, high + ONE, lambda dob: window(dob)[0] > end)
    days = (after - earliest).days
    return [earliest + timedelta(days=n) for n in range(max(days, 0))]


def _first_true(low: date, high: date, test: Callable[[date], bool]) -> date:
    """The first day in [low, high] where a monotone (False…True) test holds, or high."""
    while low < high:
        middle = low + timedelta(days=(high - low).days // 2)
        if test(middle):
            high = middle
        else:
            low = middle + ONE
    return low
