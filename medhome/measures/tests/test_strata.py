"""Strata are grouped in SQL from the same membership as the figure; race and ethnicity two
ways; the gap to the overall rate."""

from datetime import date

import pytest

from medhome.measures import engine, strata
from medhome.measures.selectors import StratumRow

from .helpers import child, screen, visit

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def membership(practice):
    return engine.membership(
        "dev_2", practices=[practice], period_start=YEAR[0], period_end=YEAR[1]
    )


@pytest.fixture
def panel(registered_a):
    family = registered_a[0]
    kids = [
        child(family, date(2024, 3, 1), preferred_language="es", race_ethnicity=["hispanic"]),
        child(
            family, date(2024, 4, 1), preferred_language="es", race_ethnicity=["hispanic", "black"]
        ),
        child(family, date(2024, 5, 1), preferred_language="en", race_ethnicity=["white"]),
        child(family, date(2024, 6, 1), preferred_language="en", race_ethnicity=["declined"]),
    ]
    screen(kids[0], date(2025, 9, 1))
    screen(kids[2], date(2025, 9, 1))
    screen(kids[3], date(2025, 9, 1))
    return kids


def cells(practice, dimension):
    return {
        c.key: (c.numerator, c.denominator)
        for c in strata.stratify(membership(practice), dimension)
    }


@pytest.mark.django_db
def test_language_and_mutually_exclusive_race_sum_to_the_total(practice_a, panel):
    total = strata.total(membership(practice_a))
    assert (total.numerator, total.denominator) == (3, 4)
    assert cells(practice_a, "language") == {"es": (1, 2), "en": (2, 2)}
    assert cells(practice_a, "race_ethnicity") == {
        "hispanic": (1, 1),
        "multiple": (0, 1),
        "white": (1, 1),
        "declined": (1, 1),
    }


@pytest.mark.django_db
def test_alone_or_in_combination_counts_a_child_in_each_category(practice_a, panel):
    got = cells(practice_a, "race_ethnicity_any")
    assert got["hispanic"] == (1, 2) and got["black"] == (0, 1) and got["white"] == (1, 1)
    assert got["asian"] == (0, 0)
    assert (
        sum(d for _, d in got.values()) == 4
    )  # 3 categories chosen once, one twice; declined none


@pytest.mark.django_db
def test_site_is_the_latest_visit_with_a_site_and_clinician_the_pcp(practice_a, panel, staff_a):
    from medhome.practices.models import Site

    north = Site.objects.create(practice=practice_a, name="North")
    south = Site.objects.create(practice=practice_a, name="South")
    first = visit(panel[0], date(2025, 1, 1))
    first.site = north
    first.save()
    later = visit(panel[0], date(2025, 6, 1))
    later.site = south
    later.save()
    by_site = {
        c.label: (c.numerator, c.denominator)
        for c in strata.stratify(membership(practice_a), "site")
    }
    assert by_site == {"South": (1, 1), "No site recorded": (2, 3)}
    by_clinician = strata.stratify(membership(practice_a), "clinician")
    assert sum(c.denominator for c in by_clinician) == 4


def test_gap_is_in_points_and_signed():
    from medhome.measures.suppression import Cell

    assert StratumRow(Cell("es", "es", 1, 4), 0.5).gap_points == -25.0
    assert StratumRow(Cell("en", "en", 3, 4), 0.5).gap_points == 25.0
    assert StratumRow(Cell("x", "x", 0, 0), 0.5).gap_points is None
