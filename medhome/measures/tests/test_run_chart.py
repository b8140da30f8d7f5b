"""The run chart adds one-month results for the measures declared monthly-additive: for each of
them, the rows of a 12-month period are exactly the rows of its 12 months, numerator flags
included (so the sum is the rolling-year figure, not an approximation)."""

from datetime import date

import pytest

from medhome.measures import engine
from medhome.measures.periods import Period, month_end, months_behind, rolling_points
from medhome.measures.selectors import MONTHLY_ADDITIVE

from .test_population import population, screenings_and_referrals


def rows(key, practice, start, end) -> set:
    member = engine.membership(key, practices=[practice], period_start=start, period_end=end)
    return set(member.queryset.values_list("pk", "in_numerator"))


@pytest.mark.django_db
def test_a_rolling_year_is_the_union_of_its_months(family_a, practice_a, settings):
    kids = population(family_a, 150, "run-chart")
    screenings_and_referrals(kids, "run-chart")
    start, end = date(2025, 3, 1), date(2026, 2, 28)
    months = months_behind([Period("x", start, end, "")])
    assert len(months) == 12 and months[-1].end == end
    for key in sorted(MONTHLY_ADDITIVE):
        year = rows(key, practice_a, start, end)
        by_month = [rows(key, practice_a, m.start, m.end) for m in months]
        union = set().union(*by_month)
        assert union == year, key
        assert sum(len(m) for m in by_month) == len(year), key  # no row in two months
        assert year, f"{key}: the population gives it no rows; the check would be empty"


def test_rolling_points_and_their_months():
    points = rolling_points(date(2026, 11, 23))
    assert len(points) == 24
    assert (points[-1].start, points[-1].end) == (date(2025, 11, 1), date(2026, 10, 31))
    assert (points[0].start, points[0].end) == (date(2023, 12, 1), date(2024, 11, 30))
    months = months_behind(points)
    assert len(months) == 35
    assert months[0].start == date(2023, 12, 1) and months[-1].end == month_end(date(2026, 10, 1))
