"""One practice's figures read that practice's rows only (issue 21: "every per-practice figure
reading only that practice's rows"). A child's visits and panel memberships are always at the
child's practice (visits.services, ehr.patients, families.attribution), so the rows below, which
name a child of practice A but say practice B, cannot arise through medhome; they are written
here straight to the tables to show that A's figure does not read B's rows even then."""

from datetime import date

import pytest

from medhome.families.models import PanelMembership
from medhome.measures import attribution, batches, engine
from medhome.visits.models import Visit

from .helpers import child, referral, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)
BORN = date(2026, 3, 10)  # the 1-month window: 2026-03-16..04-25


def figure(key: str, sibling: str, practice) -> tuple[set, set]:
    """(numerator ids, denominator ids) of one practice's figure, the engine's and the batch's
    (run with a sibling measure, so it is the batch's query) alike."""
    single = engine.compute(key, practices=[practice.pk], period_start=START, period_end=END)
    batched = batches.compute_all(
        [key, sibling], practices=[practice.pk], period_start=START, period_end=END
    )[key]
    assert sorted(single.denominator_ids) == sorted(batched.denominator_ids), key
    assert sorted(single.numerator_ids) == sorted(batched.numerator_ids), key
    return set(single.numerator_ids), set(single.denominator_ids)


@pytest.mark.django_db
def test_a_visit_recorded_at_another_practice_is_not_one_practices_unit(
    family_a, practice_a, practice_b
):
    own, elsewhere = child(family_a, BORN), child(family_a, BORN)
    counted = visit(own, date(2026, 3, 20))
    screen(own, date(2026, 3, 20), key="epds")
    stray = visit(elsewhere, date(2026, 3, 20))
    Visit.objects.filter(pk=stray.pk).update(practice_id=practice_b.pk)
    screen(elsewhere, date(2026, 3, 20), key="epds")

    numerator, denominator = figure("cdep_1m", "cdep_2m", practice_a)
    assert denominator == {counted.pk} and numerator == {counted.pk}


@pytest.mark.django_db
def test_a_membership_at_another_practice_does_not_put_a_child_on_one_practices_panel(
    family_a, practice_a, practice_b
):
    on_panel, elsewhere = child(family_a, date(2020, 5, 1)), child(family_a, date(2020, 5, 1))
    kept = referral(on_panel, date(2026, 2, 3))
    referral(elsewhere, date(2026, 2, 3))
    PanelMembership.objects.filter(child=elsewhere).update(practice_id=practice_b.pk)

    _numerator, denominator = figure("ref_closed", "ref_rejected", practice_a)
    assert denominator == {kept.pk}


def test_own_rows_names_the_practice_of_one_practices_figure_only():
    assert attribution.own_rows(["a"]) == ["a"]
    assert attribution.own_rows(("a",)) == ["a"]
    assert attribution.own_rows(["a", "b"]) is None  # a network's figure: the planner's scan
    assert attribution.own_rows([]) is None
