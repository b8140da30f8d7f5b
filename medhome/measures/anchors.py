"""Anchor dates and look-back windows per measure, as plain functions of the date of birth.

Shared by the set-based engine (which turns them into birth-date ranges and per-child SQL
bounds) and the per-child reference. add_months clamps to the month's last day (29 Feb + 12
months = 28 Feb), as periodicity.windows does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from medhome.periodicity.windows import add_months

ONE = timedelta(days=1)


@dataclass(frozen=True)
class Anchoring:
    """anchor(dob): the day the child enters the denominator; window(dob): inclusive
    (first, last) days in which the numerator's events count."""

    anchor: Callable[[date], date]
    window: Callable[[date], tuple[date, date]]
    # enrollment(dob): the inclusive (first, last) days of the measure's continuous-enrollment
    # period (measures.md), which attribution stands for (measures/attribution.py).
    enrollment: Callable[[date], tuple[date, date]] | None = None


def fifteen_months(dob: date) -> date:
    # measures.md §1: 15-month birthday = 1st birthday + 90 days.
    return add_months(dob, 12) + timedelta(days=90)


def thirty_months(dob: date, days_after_2nd: int = 180) -> date:
    # measures.md §1: 30-month birthday = 2nd birthday + 180 days (unverified, a setting).
    return add_months(dob, 24) + timedelta(days=days_after_2nd)


def birthday(dob: date, years: int) -> date:
    return add_months(dob, 12 * years)


def w30_1() -> Anchoring:
    # measures.md §1 "Continuous enrollment": rate 1 from 31 days of age to 15 months.
    return Anchoring(
        fifteen_months,
        lambda dob: (dob, fifteen_months(dob)),
        lambda dob: (dob + timedelta(days=31), fifteen_months(dob)),
    )


def w30_2(days_after_2nd: int) -> Anchoring:
    def anchor(dob: date) -> date:
        return thirty_months(dob, days_after_2nd)

    def window(dob: date) -> tuple[date, date]:
        return fifteen_months(dob) + ONE, anchor(dob)

    # measures.md §1 "Continuous enrollment": rate 2 from 15 months + 1 day to 30 months.
    return Anchoring(anchor, window, window)


def dev(years: int) -> Anchoring:
    def window(dob: date) -> tuple[date, date]:
        # measures.md §3: after the previous birthday, on or before the birthday; for the
        # 1st birthday, from birth.
        first = dob if years == 1 else birthday(dob, years - 1) + ONE
        return first, birthday(dob, years)

    def enrollment(dob: date) -> tuple[date, date]:
        # measures.md §3 "Continuous enrollment": the 12 months before the birthday.
        return birthday(dob, years - 1), birthday(dob, years)

    return Anchoring(lambda dob: birthday(dob, years), window, enrollment)


def births_anchored_in(anchor: Callable[[date], date], start: date, end: date) -> list[date]:
    """Every date of birth whose anchor falls in [start, end], ascending. anchor is
    non-decreasing in the date of birth, so the result is one interval of dates."""
    if end < start:
        return []
    lead = (anchor(start) - start).days
    first, last = start - timedelta(days=lead + 5), end - timedelta(days=lead - 5)
    found = []
    day = first
    while day <= last:
        if start <= anchor(day) <= end:
            found.append(day)
        day += ONE
    return found
