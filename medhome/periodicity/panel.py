"""The due list of a whole panel, set-based: one query however many children.

For a date `on`, the children whose window for visit V contains `on` are exactly those born in
one interval of dates (every window bound is a non-decreasing function of the birth date, so
the set is an interval; found by bisection over windows.py itself, month-end clamping
included). The queryset is then annotated with a CASE over date_of_birth, and with one
correlated subquery that returns the child's completions at that visit as a bit set (one
subquery rather than an EXISTS per row and flag: 9 s → under 5 s for 100,000 children,
docs/benchmarks.md "Due list"). Windows are chronological: screenings stay at the
chronological visit (medhome rule, docs/clinical-rules.md#corrected-age). Ordered overdue, then due,
then by date of birth (oldest first) and id.

Annotations on each child (for the caller's columns; PanelRow decodes them):
  visit_key      the current visit ("2mo", "18mo", "12y" …); Schedule.visit(key).label
  visit_status   "overdue" | "due" by date: nominal age + grace has passed, or not
  visit_marks    bit set of completions counting for this visit (see _marks): bit 0 the visit
                 itself recorded; per panel row i, bit 2i+1 done, bit 2i+2 next step pending
  carried_from   the previous visit when a panel row could be carried from it (else NULL)
  carried_marks  the same bit set at carried_from (NULL when carried_from is NULL)
PanelRow.from_child(child, on, rows=...), or panel_rows(page, on) for a page, gives `status`
("overdue" | "due" | "done"), a status per panel row ("due" | "overdue" | "done" |
"next_step_pending" | "catch_up", for rows that apply at the visit or are carried into it)
and `outstanding`.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from medhome.core.lean import lean
from medhome.families.models import Child, on_panel

from .engine import VISIT_ROW
from .expressions import BirthDateCase, CompletionBits
from .models import RowCompletion
from .rules import Rules, current_rules
from .schedule import Row, Schedule, Visit, current_schedule
from .windows import closes_on, opens_on, overdue_from

DEFAULT_PANEL_ROWS: tuple[str, ...] = (
    "developmental",
    "autism",
    "caregiver_depression",
    "behavioral",
    "social_needs",
    "depression_suicide",
)
# The child columns a due list shows; panel_due(fields=None) loads every column instead.
# Loading 38 columns into 100,000 model instances cost about as much as the query itself
# (docs/benchmarks.md, "Due list"). Any other field read later costs a query per child.
PANEL_FIELDS: tuple[str, ...] = (
    "practice",
    "legal_given_name",
    "legal_family_name",
    "preferred_name",
    "date_of_birth",
    "sex_at_birth",
    "mrn",
    "gestational_age_weeks",
    "gestational_age_days",
    "birth_discharged_on",
)
OLDEST = timedelta(days=23 * 366)  # older than every window (the last closes at 22 years)


@dataclass(frozen=True)
class BirthInterval:
    """Children born in [born_from, born_to] are in `visit`'s window on the date; those born
    on or before overdue_to (if any) are overdue."""

    visit: Visit
    born_from: date
    born_to: date
    overdue_to: date | None


def _last_true(test: Callable[[date], bool], low: date, high: date) -> date | None:
    """The last day in [low, high] where a test that is true then false is still true."""
    if not test(low):
        return None
    while low < high:
        middle = low + timedelta(days=(high - low).days // 2 + 1)
        if test(middle):
            low = middle
        else:
            high = middle - timedelta(days=1)
    return low


def birth_intervals(
    on: date, *, schedule: Schedule | None = None, rules: Rules | None = None
) -> list[BirthInterval]:
    schedule = schedule or current_schedule(on)
    rules = rules or current_rules()
    return list(_birth_intervals(on, schedule, rules))


# The intervals depend on the day, the schedule and the rules only (all frozen, hashable), and
# their binary searches cost tens of milliseconds a call: every due list of a day reuses them.
@lru_cache(maxsize=64)
def _birth_intervals(on: date, schedule: Schedule, rules: Rules) -> tuple[BirthInterval, ...]:
    low, high = on - OLDEST, on
    out = []
    for visit in schedule.timed_visits:

        def has_opened(birth: date, visit: Visit = visit) -> bool:
            return opens_on(birth, visit, rules) <= on

        def has_closed(birth: date, visit: Visit = visit) -> bool:
            return closes_on(birth, visit, schedule, rules) <= on

        def is_overdue(birth: date, visit: Visit = visit) -> bool:
            return overdue_from(birth, visit, rules) <= on

        opened = _last_true(has_opened, low, high)
        still_closed = _last_true(has_closed, low, high)
        born_from = still_closed + timedelta(days=1) if still_closed else low
        if opened is None or born_from > opened:
            continue
        overdue = _last_true(is_overdue, low, high)
        overdue_to = min(overdue, opened) if overdue and overdue >= born_from else None
        out.append(BirthInterval(visit, born_from, opened, overdue_to))
    return tuple(out)


def _marks(on: date, rows: Sequence[str], visit: Any) -> Subquery:
    """One correlated subquery per child: the completions at a visit as a bit set.

    Bit 0: the visit itself (preventive_visit) complete; for the i-th panel row, bit 2i+1: a
    complete result, bit 2i+2: a result with its next step pending.
    """
    flags = [(VISIT_ROW, False, 1)]
    for index, key in enumerate(rows):
        flags += [(key, False, 1 << (2 * index + 1)), (key, True, 1 << (2 * index + 2))]
    found = RowCompletion.objects.filter(
        child=OuterRef("pk"), visit_key=visit, done_on__lte=on, row__in=[VISIT_ROW, *rows]
    ).values(marks=CompletionBits(flags))
    return Subquery(found, output_field=IntegerField())


def _discharged_early(
    intervals: Sequence[BirthInterval], on: date
) -> list[tuple[date, date, date | None, str]]:
    """A newborn discharged early has left the 3–5 day window for "by 1 month" once discharge
    + 4 days has passed (windows.opens_on, the one per-child exception to windows by birth
    date; docs/clinical-rules.md#periodicity table). Its birth date still falls in the 3–5 day
    interval, so it is moved here, before the intervals by birth date are tried."""
    rules = current_rules()
    first_week = next((i for i in intervals if i.visit.key == "3-5d"), None)
    if first_week is None:
        return []
    after = timedelta(days=rules.three_to_five_closes_after_discharge_days)
    # The 3–5 day window always keeps its first day (windows.opens_on: never before day 4).
    born_by = min(first_week.born_to, on - timedelta(days=rules.three_to_five_opens_day + 1))
    return [(first_week.born_from, born_by, on - after, "1mo")]


def carry_pairs(schedule: Schedule, row_key: str) -> list[tuple[str, str]]:
    """(missed visit, next visit) pairs where a row is carried forward (footnote 1)."""
    row = schedule.row(row_key)
    timed = [v.key for v in schedule.timed_visits]
    return [
        (previous, current)
        for previous, current in zip(timed, timed[1:], strict=False)
        if row.catch_up and previous in row.visit_keys and current not in row.visit_keys
    ]


def panel_due(
    children: QuerySet[Child],
    on: date,
    *,
    rows: Sequence[str] = DEFAULT_PANEL_ROWS,
    fields: Sequence[str] | None = PANEL_FIELDS,
) -> QuerySet[Child]:
    """Children on the panel on `on` (docs/clinical-rules.md#attribution) with a visit window
    open that day, annotated (see the module docstring) and ordered overdue then due, then by
    date of birth. One query when evaluated."""
    schedule = current_schedule(on)
    for key in rows:
        if schedule.row(key).is_span:
            raise ValueError(f"{key}: the panel lists visit rows, not range/recurring rows")
    intervals = birth_intervals(on, schedule=schedule)
    if not intervals:
        return children.none()
    visit_key = BirthDateCase(
        [
            *_discharged_early(intervals, on),
            *[(i.born_from, i.born_to, None, i.visit.key) for i in intervals],
        ]
    )
    visit_status = BirthDateCase(
        [(i.born_from, i.overdue_to, None, "overdue") for i in intervals if i.overdue_to],
        default="due",
    )
    previous = {p: c for key in rows for p, c in carry_pairs(schedule, key)}
    carried_from = BirthDateCase(
        [
            (i.born_from, i.born_to, None, p)
            for i in intervals
            for p, c in previous.items()
            if c == i.visit.key
        ]
    )
    if fields is not None:
        children = children.only(*fields)
    annotated = children.filter(
        on_panel(on),
        date_of_birth__gte=min(i.born_from for i in intervals),
        date_of_birth__lte=max(i.born_to for i in intervals),
    ).annotate(
        visit_key=visit_key,
        visit_status=visit_status,
        carried_from=carried_from,
    )
    marks = _marks(on, rows, OuterRef("visit_key"))
    annotated = annotated.annotate(
        visit_marks=Coalesce(marks, 0),
        carried_marks=Case(
            When(
                carried_from__isnull=False,
                then=Coalesce(_marks(on, rows, OuterRef("carried_from")), 0),
            ),
            default=None,
            output_field=IntegerField(),
        ),
    )
    # "overdue" sorts after "due", so descending puts it first; ORDER BY names the selected
    # column, so the CASE is not evaluated twice.
    return lean(annotated.order_by("-visit_status", "date_of_birth", "pk"))


def due_counts(children: QuerySet[Child], on: date) -> dict[tuple[str, str], int]:
    """How many children per (visit_key, status "overdue" | "due" | "done"). One query."""
    grouped = (
        panel_due(children, on, rows=())
        .order_by()
        .values("visit_key", "visit_status")  # type: ignore[misc]  # annotations, not fields
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Exact(F("visit_marks").bitand(1), 1)),
        )
    )
    counts: dict[tuple[str, str], int] = {}
    for g in grouped:
        if g["total"] - g["done"]:
            counts[(g["visit_key"], g["visit_status"])] = g["total"] - g["done"]
        if g["done"]:
            key = (g["visit_key"], "done")
            counts[key] = counts.get(key, 0) + g["done"]
    return counts


@dataclass(frozen=True)
class PanelRow:
    """One line of the due list, decoded from an annotated child of panel_due()."""

    child: Child
    visit: Visit
    status: str  # "overdue" | "due" | "done" (the visit itself recorded)
    rows: dict[str, str]  # row key → engine row status, for the rows that apply or catch up

    @property
    def outstanding(self) -> tuple[str, ...]:
        return tuple(k for k, s in self.rows.items() if s not in ("done", "not_applicable"))

    @classmethod
    def from_child(
        cls, child: Child, on: date, *, rows: Sequence[str] = DEFAULT_PANEL_ROWS
    ) -> "PanelRow":
        return _Decoder.for_date(on, tuple(rows)).decode(child)


def panel_rows(
    children: Iterable[Child], on: date, *, rows: Sequence[str] = DEFAULT_PANEL_ROWS
) -> list[PanelRow]:
    """PanelRow for each annotated child (a page of panel_due), with the tables built once."""
    decoder = decoder_for(on, rows=rows)
    return [decoder.decode(child) for child in children]


def decoder_for(on: date, *, rows: Sequence[str] = DEFAULT_PANEL_ROWS) -> "_Decoder":
    """What PanelRow.from_child builds for each child, built once for a list of children of one
    day (`.decode(child)` gives the child's PanelRow; `.schedule` is the day's schedule)."""
    return _Decoder.for_date(on, tuple(rows))


@dataclass(frozen=True)
class _Decoder:
    schedule: Schedule
    rows: tuple[Row, ...]
    carries: tuple[frozenset[tuple[str, str]], ...]  # per row: (previous, current) pairs

    @classmethod
    def for_date(cls, on: date, rows: tuple[str, ...]) -> "_Decoder":
        schedule = current_schedule(on)
        return cls(
            schedule,
            tuple(schedule.row(k) for k in rows),
            tuple(frozenset(carry_pairs(schedule, k)) for k in rows),
        )

    def decode(self, child: Child) -> PanelRow:
        visit_key: str = child.visit_key  # type: ignore[attr-defined]
        by_date: str = child.visit_status  # type: ignore[attr-defined]
        marks: int = child.visit_marks  # type: ignore[attr-defined]
        carried: int | None = child.carried_marks  # type: ignore[attr-defined]
        carried_from: str | None = child.carried_from  # type: ignore[attr-defined]
        statuses: dict[str, str] = {}
        for index, row in enumerate(self.rows):
            if _other_sex(row.sex, child.sex_at_birth):
                continue
            done, pending = 1 << (2 * index + 1), 1 << (2 * index + 2)
            applies = visit_key in row.visit_keys
            catch_up = (
                not applies
                and carried is not None
                and not carried & (1 | done | pending)
                and (carried_from, visit_key) in self.carries[index]
            )
            if not applies and not catch_up:
                continue
            if marks & done:
                statuses[row.key] = "done"
            elif marks & pending:
                statuses[row.key] = "next_step_pending"
            else:
                statuses[row.key] = by_date if applies else "catch_up"
        status = "done" if marks & 1 else by_date
        return PanelRow(child, self.schedule.visit(visit_key), status, statuses)


def _other_sex(row_sex: str | None, child_sex: str) -> bool:
    """Unknown sex keeps a sex-specific row (engine.is_waived does the same)."""
    return row_sex is not None and child_sex in ("female", "male") and child_sex != row_sex
