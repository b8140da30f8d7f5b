"""The birth-hospital discharge date times the first-week visit, for one child and for the
panel alike (docs/clinical-rules.md#visit-windows window table: the 3–5 day window closes at the
earlier of day
6 and discharge + 4 days; issue 14)."""

from datetime import date, timedelta

import pytest

from medhome.families.models import Child
from medhome.periodicity.engine import child_schedule
from medhome.periodicity.panel import panel_due
from medhome.periodicity.services import completions_for, facts_for
from tests import factories

BORN = date(2026, 3, 10)


@pytest.fixture
def newborn(family_a):
    return factories.add_child(
        family_a, legal_given_name="Aurelio", mrn="NB-2026", date_of_birth=BORN
    )


def _visit(child, on):
    child = Child.objects.get(pk=child.pk)
    one = child_schedule(facts_for(child), on, completions_for(child)).current.visit.key
    panel = panel_due(Child.objects.filter(pk=child.pk), on).get().visit_key
    return one, panel


@pytest.mark.parametrize(
    ("discharged_after_days", "day", "expected"),
    [
        (None, 5, "3-5d"),  # no discharge known: day 6 closes the window
        (1, 4, "3-5d"),  # the 3–5 day window keeps at least one day
        (1, 5, "1mo"),  # home on day 1: closes at day 5
        (0, 4, "1mo"),  # home on day 0: closes at day 4 (never before)
        (0, 3, "3-5d"),
        (3, 5, "3-5d"),  # home on day 3: day 6 comes first
        (3, 6, "1mo"),
    ],
)
def test_the_first_week_window_follows_the_discharge_for_the_child_and_the_panel(
    newborn, discharged_after_days, day, expected
):
    if discharged_after_days is not None:
        Child.objects.filter(pk=newborn.pk).update(
            birth_discharged_on=BORN + timedelta(days=discharged_after_days)
        )

    assert _visit(newborn, BORN + timedelta(days=day)) == (expected, expected)
