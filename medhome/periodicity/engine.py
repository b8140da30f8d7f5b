"""What is due for one child on a date: visit statuses and the current visit's rows.

Rules: docs/clinical-rules.md#periodicity (done / next step pending / not applicable / missed /
catch-up); the grid: periodicity.md §1.4. Pure functions over dates and facts; no database, no
clock.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from .rules import Rules, current_rules
from .schedule import Row, Schedule, Visit, current_schedule
from .windows import Window, add_months, windows_for

VisitStatus = Literal["upcoming", "due", "overdue", "done", "missed"]
RowStatus = Literal[
    "due", "overdue", "done", "next_step_pending", "not_applicable", "confirm_result", "catch_up"
]
OUTSTANDING = frozenset({"due", "overdue", "next_step_pending", "confirm_result", "catch_up"})
VISIT_ROW = "preventive_visit"


@dataclass(frozen=True)
class ChildFacts:
    birth_date: date
    sex_at_birth: str = "unknown"
    gestational_age_weeks: int | None = None
    gestational_age_days: int | None = None
    # The explicit not-applicable table (docs/clinical-rules.md#not-applicable), e.g. a confirmed
    # autism diagnosis → {"autism"}. Sex-specific rows are handled by the row's `sex`.
    not_applicable: frozenset[str] = frozenset()
    joined_practice_on: date | None = None
    discharged_on: date | None = None  # birth-hospital discharge, narrows the 3–5 day window


@dataclass(frozen=True)
class Completion:
    row: str
    visit_key: str | None  # None for range / recurring / newborn rows
    done_on: date
    next_step_pending: bool = False


@dataclass(frozen=True)
class VisitState:
    visit: Visit
    window: Window
    status: VisitStatus


@dataclass(frozen=True)
class RowState:
    row: Row
    status: RowStatus
    done_on: date | None = None
    carried_from: str | None = None  # catch-up: the missed visit it comes from
    due_again_on: date | None = None  # recurring rows

    @property
    def outstanding(self) -> bool:
        return self.status in OUTSTANDING


@dataclass(frozen=True)
class ChildSchedule:
    on: date
    schedule: Schedule
    visits: tuple[VisitState, ...]
    current: VisitState | None
    rows: tuple[RowState, ...]

    def row(self, key: str) -> RowState | None:
        return next((r for r in self.rows if r.row.key == key), None)

    @property
    def outstanding(self) -> tuple[RowState, ...]:
        return tuple(r for r in self.rows if r.outstanding)


@dataclass(frozen=True)
class NextDue:
    visit: Visit
    opens_on: date
    nominal_on: date


def is_waived(row: Row, facts: ChildFacts, rules: Rules) -> bool:
    """Not applicable only from the explicit table or the row's sex; depression and suicide
    risk screening is never waived (docs/clinical-rules.md#not-applicable)."""
    if row.key in rules.never_waived:
        return False
    if row.key in facts.not_applicable:
        return True
    return (
        row.sex is not None
        and facts.sex_at_birth in ("female", "male")
        and (facts.sex_at_birth != row.sex)
    )


class _Book:
    """The completions of one child up to `on`, indexed the ways the rules ask for them."""

    def __init__(self, completions: Iterable[Completion], on: date, visit_of: dict[date, str]):
        self.by_visit: dict[tuple[str, str], list[Completion]] = defaultdict(list)
        self.by_row: dict[str, list[Completion]] = defaultdict(list)
        for c in completions:
            if c.done_on > on:
                continue
            key = c.visit_key or visit_of.get(c.done_on)
            if key:
                self.by_visit[(c.row, key)].append(c)
            self.by_row[c.row].append(c)

    def at(self, row: str, visit_key: str) -> list[Completion]:
        return self.by_visit.get((row, visit_key), [])


def _result(found: list[Completion]) -> tuple[RowStatus | None, date | None]:
    """done if any result is complete; next step pending if only pending ones exist."""
    done = [c.done_on for c in found if not c.next_step_pending]
    if done:
        return "done", max(done)
    if found:
        return "next_step_pending", max(c.done_on for c in found)
    return None, None


def child_schedule(facts: ChildFacts, on: date, completions: Iterable[Completion]) -> ChildSchedule:
    schedule = current_schedule(on)
    rules = current_rules()
    timed = windows_for(
        facts.birth_date, schedule=schedule, rules=rules, discharged_on=facts.discharged_on
    )
    completions = list(completions)
    visit_of = _visit_of_days({c.done_on for c in completions if not c.visit_key}, timed)
    book = _Book(completions, on, visit_of)
    windows = {v.key: w for v, w in timed}

    states = []
    for visit, window in timed:
        done = _result(book.at(VISIT_ROW, visit.key))[0] == "done"
        status = cast(VisitStatus, "done" if done else window.status_on(on))
        states.append(VisitState(visit, window, status))
    current = next((s for s in states if on in s.window), None)
    if current is None:
        current = next((s for s in states if s.status == "upcoming"), None)
    rows: tuple[RowState, ...] = ()
    if current is not None and on in current.window:
        position = states.index(current)
        previous = states[position - 1] if position else None
        rows = _rows_at(schedule, rules, facts, on, current, previous, book, windows)
    return ChildSchedule(on, schedule, tuple(states), current, rows)


def _visit_of_days(days: set[date], timed: list[tuple[Visit, Window]]) -> dict[date, str]:
    """A completion without a visit key counts for the visit whose window has its date."""
    return {d: v.key for d in days for v, w in timed if d in w}


def _rows_at(
    schedule: Schedule,
    rules: Rules,
    facts: ChildFacts,
    on: date,
    current: VisitState,
    previous: VisitState | None,
    book: _Book,
    windows: dict[str, Window],
) -> tuple[RowState, ...]:
    visit, window = current.visit, current.window
    by_date: RowStatus = "overdue" if on >= window.overdue_from else "due"
    out: list[RowState] = []
    here = schedule.rows_at(visit.key)
    for row in here:
        if is_waived(row, facts, rules):
            out.append(RowState(row, "not_applicable"))
            continue
        if row.kind == "recurring":
            out.append(_recurring(row, on, by_date, book, windows))
            continue
        if row.kind == "range":
            first, last = _span_window(row, windows)
            found = [c for c in book.by_row.get(row.key, []) if first <= c.done_on < last]
        elif row.kind == "newborn":
            found = book.by_row.get(row.key, [])
        else:
            found = book.at(row.key, visit.key)
        status, done_on = _result(found)
        if status is None and row.kind == "newborn" and _joined_later(facts, windows):
            status = "confirm_result"
        out.append(RowState(row, status or by_date, done_on))
    # Footnote 1: the outstanding rows of a missed previous visit carry into this one.
    if previous is not None and previous.status == "missed":
        for row in schedule.rows_at(previous.visit.key):
            if row in here or row.is_span or not row.catch_up or is_waived(row, facts, rules):
                continue
            if book.at(row.key, previous.visit.key):
                continue
            status, done_on = _result(book.at(row.key, visit.key))
            out.append(RowState(row, status or "catch_up", done_on, previous.visit.key))
    return tuple(out)


def _span_window(row: Row, windows: dict[str, Window]) -> tuple[date, date]:
    """[opening of the span's first visit, closing of its last visit)."""
    assert row.span is not None
    return windows[row.span[0]].opens, windows[row.span[1]].closes


def _recurring(
    row: Row, on: date, by_date: RowStatus, book: _Book, windows: dict[str, Window]
) -> RowState:
    """Due again `every_months` after the last one (fluoride varnish;
    docs/clinical-rules.md#recurring-rows)."""
    first, last = _span_window(row, windows)
    done = [
        c.done_on
        for c in book.by_row.get(row.key, [])
        if first <= c.done_on < last and not c.next_step_pending
    ]
    if done and row.every_months:
        again = add_months(max(done), row.every_months)
        if again > on:
            return RowState(row, "done", max(done), due_again_on=again)
        return RowState(row, by_date, max(done), due_again_on=again)
    return RowState(row, by_date)


def _joined_later(facts: ChildFacts, windows: dict[str, Window]) -> bool:
    """A child who joined after the newborn visit: the office confirms hospital results."""
    if facts.joined_practice_on is None:
        return False
    return facts.joined_practice_on >= windows["newborn"].closes


def next_due(facts: ChildFacts, on: date, completions: Iterable[Completion]) -> NextDue | None:
    """The next visit not yet done (the current one if it is still open) and its dates."""
    plan = child_schedule(facts, on, completions)
    for state in plan.visits:
        if state.status in ("due", "overdue", "upcoming"):
            return NextDue(state.visit, state.window.opens, state.window.nominal)
    return None
