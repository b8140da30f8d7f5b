"""Positive screens followed up within 30 days at their edges
(docs/clinical-rules.md#positive-screen-follow-up-measure)."""

from datetime import date, timedelta

import pytest

from medhome.measures import batches, engine, reference
from medhome.measures.definitions import PSF_MEASURES
from medhome.nextsteps.models import NextStep, Outcome, PositiveScreen

from .helpers import at, child, screen

START, END = date(2026, 1, 1), date(2026, 12, 31)
FOUND = date(2026, 3, 1)  # + 30 days = 2026-03-31


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
    return results[0]


def positive(kid, *, kind="autism", found=FOUND, outcome=Outcome.PENDING, on=None):
    administration = screen(kid, found, key="mchat_r", positive=True)
    found_screen = PositiveScreen.objects.create(
        practice_id=kid.practice_id,
        child=kid,
        administration=administration,
        kind=kind,
        found_at=at(found),
        found_on=found,
        outcome=outcome,
        outcome_at=at(on) if on else None,
        followed_up_on=on if outcome == Outcome.FOLLOWED_UP else None,
    )
    NextStep.objects.create(
        practice_id=kid.practice_id, positive_screen=found_screen, key="audiology"
    )
    return found_screen


@pytest.mark.django_db
def test_followed_up_on_day_30_counts_and_day_31_does_not(family_a, practice_a):
    kids = [child(family_a, date(2025, 1, 1)) for _ in range(5)]
    day_30 = positive(kids[0], outcome=Outcome.FOLLOWED_UP, on=FOUND + timedelta(days=30))
    day_31 = positive(kids[1], outcome=Outcome.FOLLOWED_UP, on=FOUND + timedelta(days=31))
    same_day = positive(kids[2], outcome=Outcome.FOLLOWED_UP, on=FOUND)
    declined = positive(kids[3], outcome=Outcome.DECLINED, on=FOUND + timedelta(days=2))
    pending = positive(kids[4])

    result = both("psf_autism", practice_a)

    assert set(result.denominator_ids) == {
        s.pk for s in (day_30, day_31, same_day, declined, pending)
    }
    assert set(result.numerator_ids) == {day_30.pk, same_day.pk}


@pytest.mark.django_db
def test_the_found_window_ends_30_days_before_the_period(family_a, practice_a):
    kid = child(family_a, date(2025, 1, 1))
    last_day = positive(kid, found=END - timedelta(days=30))
    positive(child(family_a, date(2025, 1, 1)), found=END - timedelta(days=29))
    positive(child(family_a, date(2025, 1, 1)), found=START - timedelta(days=1))

    assert both("psf_autism", practice_a).denominator_ids == [last_day.pk]


@pytest.mark.django_db
def test_each_kind_counts_its_own_and_the_total_counts_every_kind(family_a, practice_a):
    found = {}
    for key, kinds, _label in PSF_MEASURES:
        if key != "psf":
            found[key] = positive(
                child(family_a, date(2025, 1, 1)),
                kind=kinds[0],
                outcome=Outcome.FOLLOWED_UP,
                on=FOUND + timedelta(days=3),
            )

    for key in found:
        assert both(key, practice_a).numerator_ids == [found[key].pk]
    assert len(both("psf", practice_a).numerator_ids) == len(found) == 7


@pytest.mark.django_db
def test_a_child_off_the_panel_on_the_day_found_is_not_counted(family_a, practice_a):
    kid = child(family_a, date(2025, 1, 1), panel_from=FOUND + timedelta(days=1))
    positive(kid, outcome=Outcome.FOLLOWED_UP, on=FOUND)

    assert both("psf_autism", practice_a).denominator_ids == []


@pytest.mark.django_db
def test_the_batch_gives_what_each_measure_gives(family_a, practice_a):
    positive(child(family_a, date(2025, 1, 1)), outcome=Outcome.FOLLOWED_UP, on=FOUND)
    positive(child(family_a, date(2025, 1, 1)), kind="social_needs")
    keys = [key for key, _, _ in PSF_MEASURES]

    together = batches.compute_all(keys, practices=[practice_a], period_start=START, period_end=END)

    for key in keys:
        alone = engine.compute(key, practices=[practice_a], period_start=START, period_end=END)
        assert (together[key].numerator, together[key].denominator) == (
            alone.numerator,
            alone.denominator,
        )
