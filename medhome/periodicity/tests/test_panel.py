import random
from datetime import date, timedelta

import pytest

from medhome.families.models import Child
from medhome.periodicity.engine import ChildFacts, child_schedule
from medhome.periodicity.panel import (
    DEFAULT_PANEL_ROWS,
    PanelRow,
    birth_intervals,
    due_counts,
    panel_due,
)
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.services import completions_for, record_completion
from medhome.periodicity.windows import visit_for_day, windows_for
from tests.factories import make_practice

from .helpers import MOMENT, make_children

START = date(2026, 1, 1)


def classify(intervals, birth: date) -> tuple[str, bool] | None:
    for interval in intervals:
        if interval.born_from <= birth <= interval.born_to:
            overdue = interval.overdue_to is not None and birth <= interval.overdue_to
            return interval.visit.key, overdue
    return None


@pytest.mark.parametrize("on", [date(2025, 3, 1), date(2024, 2, 29), date(2026, 12, 31)])
def test_birth_intervals_match_windows_by_brute_force(on: date) -> None:
    """Every birth date of the last 4 years and a band near 21-22 years (month-end clamping)."""
    schedule = current_schedule(on)
    intervals = birth_intervals(on)
    births = [on - timedelta(days=d) for d in range(-3, 4 * 366)]
    births += [on - timedelta(days=d) for d in range(21 * 365 - 40, 22 * 366 + 10)]
    for birth in births:
        expected = None
        for visit, window in windows_for(birth, schedule=schedule):
            if on in window:
                expected = (visit.key, on >= window.overdue_from)
        assert classify(intervals, birth) == expected, birth
        if birth.day in (1, 28, 29, 30, 31):
            visit = visit_for_day(birth, on)
            assert (visit.key if visit else None) == (expected[0] if expected else None)


def population() -> list[tuple[date, str]]:
    rng = random.Random(7)  # noqa: S311 - test data
    births = [START - timedelta(days=rng.randrange(-30, 22 * 366 + 30)) for _ in range(90)]
    births += [START - timedelta(days=d) for d in (0, 2, 3, 5, 6, 40, 270, 550, 6000)]
    return [(b, rng.choice(["female", "male", "unknown"])) for b in births]


def sprinkle(children: list[Child]) -> None:
    """Completions at random days of the year, for panel and other rows, some pending."""
    rng = random.Random(11)  # noqa: S311 - test data
    rows = [*DEFAULT_PANEL_ROWS, "preventive_visit", "preventive_visit"]
    for child in children:
        for _ in range(rng.randrange(0, 6)):
            day = START - timedelta(days=rng.randrange(-365, 400))
            if visit_for_day(child.date_of_birth, day) is None:
                continue
            record_completion(
                child=child,
                row=rng.choice(rows),
                done_on=day,
                next_step_pending=rng.random() < 0.2,
                source="manual",
                recorded_at=MOMENT,
            )


def engine_view(child: Child, on: date, completions) -> tuple[str, str, dict[str, str]] | None:
    facts = ChildFacts(child.date_of_birth, child.sex_at_birth)
    plan = child_schedule(facts, on, completions)
    if plan.current is None or on not in plan.current.window:
        return None
    rows = {
        key: plan.row(key).status
        for key in DEFAULT_PANEL_ROWS
        if plan.row(key) is not None and plan.row(key).status != "not_applicable"
    }
    return plan.current.visit.key, plan.current.status, rows


@pytest.mark.django_db
def test_panel_agrees_with_child_schedule_over_a_year() -> None:
    practice = make_practice("Panel practice")
    children = make_children(practice, population())
    sprinkle(children)
    queryset = Child.objects.for_practice(practice)
    books = {child.pk: completions_for(child) for child in children}
    for on in [START + timedelta(days=d) for d in range(0, 366, 9)]:
        listed = {}
        for child in panel_due(queryset, on):
            line = PanelRow.from_child(child, on)
            listed[child.pk] = (line.visit.key, line.status, line.rows)
        for child in children:
            expected = engine_view(child, on, books[child.pk])
            assert listed.get(child.pk) == expected, (child.date_of_birth, on)


@pytest.mark.django_db
def test_order_and_counts() -> None:
    practice = make_practice("Counts")
    make_children(practice, population())
    on = date(2026, 6, 1)
    rows = list(panel_due(Child.objects.for_practice(practice), on))
    ranks = [(c.visit_status != "overdue", c.date_of_birth) for c in rows]
    assert ranks == sorted(ranks)
    counts = due_counts(Child.objects.for_practice(practice), on)
    assert sum(counts.values()) == len(rows)
    assert {status for _, status in counts} <= {"due", "overdue", "done"}
    listed = {(c.visit_key, PanelRow.from_child(c, on).status) for c in rows}
    assert listed == set(counts)


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [5, 60])
def test_one_query_however_many_children(how_many: int, django_assert_num_queries) -> None:
    practice = make_practice("Queries")
    children = make_children(practice, population()[:how_many])
    sprinkle(children)
    queryset = Child.objects.for_practice(practice)
    with django_assert_num_queries(1):
        lines = [PanelRow.from_child(c, START) for c in panel_due(queryset, START)]
    assert lines
    with django_assert_num_queries(1):
        due_counts(queryset, START)
