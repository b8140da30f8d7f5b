"""SNS-E social needs screening and intervention at their edges (measures.md §7)."""

from datetime import date

import pytest

from medhome.measures import engine, reference

from .helpers import child, plan_action, referral, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)
POSITIVE_DAY = date(2026, 3, 1)  # + 30 days = 2026-03-31


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
    return results[0]


def seen(family, born=date(2020, 5, 5)):
    kid = child(family, born)
    visit(kid, date(2026, 2, 1), kind="sick")
    return kid


def food_positive(kid, day=POSITIVE_DAY):
    return screen(kid, day, key="hvs", positive=True, domains=["food"])


@pytest.mark.django_db
def test_food_intervention_within_30_days(family_a, practice_a):
    day_30, day_31, wrong_need, draft, action, cancelled, same_day = (
        seen(family_a) for _ in range(7)
    )
    for kid in (day_30, day_31, wrong_need, draft, same_day):
        food_positive(kid)
    referral(day_30, date(2026, 3, 31))
    referral(day_31, date(2026, 4, 1))
    referral(wrong_need, date(2026, 3, 10), need="housing")
    referral(draft, date(2026, 3, 10), status="draft")
    referral(same_day, POSITIVE_DAY)
    plan_action(action, food_positive(action), date(2026, 3, 5))
    plan_action(cancelled, food_positive(cancelled), date(2026, 3, 5), status="cancelled")
    negative = seen(family_a)
    screen(negative, POSITIVE_DAY, key="hvs")
    referral(negative, date(2026, 3, 2))

    result = both("sns_food_followup", practice_a)
    positives = {day_30, day_31, wrong_need, draft, action, cancelled, same_day}
    assert set(result.denominator_ids) == {kid.pk for kid in positives}
    assert set(result.numerator_ids) == {day_30.pk, action.pk, same_day.pk}
    assert both("sns_housing_followup", practice_a).denominator_ids == []


@pytest.mark.django_db
def test_screening_window_ends_30_days_before_the_period(family_a, practice_a):
    dec_1, dec_2, undetermined, partial, hvs_only = (seen(family_a) for _ in range(5))
    screen(dec_1, date(2026, 12, 1), key="ahc_hrsn")  # negative: still a completed screen
    screen(dec_2, date(2026, 12, 2), key="ahc_hrsn")
    screen(undetermined, date(2026, 6, 1), key="hvs", positive=None)  # both items declined
    screen(partial, date(2026, 6, 1), key="ahc_hrsn", status="partial")
    screen(hvs_only, date(2026, 6, 1), key="hvs")
    no_visit = child(family_a, date(2020, 5, 5))
    screen(no_visit, date(2026, 6, 1), key="ahc_hrsn")
    audio_visit = child(family_a, date(2020, 5, 5))
    visit(audio_visit, date(2026, 12, 31), modality="audio")  # any completed visit counts

    food = both("sns_food_screen", practice_a)
    assert no_visit.pk not in food.denominator_ids and audio_visit.pk in food.denominator_ids
    assert len(food.denominator_ids) == 6
    assert set(food.numerator_ids) == {dec_1.pk, hvs_only.pk}
    assert both("sns_housing_screen", practice_a).numerator_ids == [dec_1.pk]
    assert both("sns_transport_screen", practice_a).numerator_ids == [dec_1.pk]


@pytest.mark.django_db
def test_positive_housing_and_transportation_on_the_ahc(family_a, practice_a):
    kid, late = seen(family_a), seen(family_a)
    ahc = screen(
        kid, date(2026, 5, 1), key="ahc_hrsn", positive=True, domains=["housing", "transportation"]
    )
    referral(kid, date(2026, 5, 20), need="transportation")
    screen(late, date(2026, 12, 2), key="ahc_hrsn", positive=True, domains=["housing"])
    assert both("sns_housing_followup", practice_a).denominator_ids == [kid.pk]
    assert both("sns_housing_followup", practice_a).numerator_ids == []
    assert both("sns_transport_followup", practice_a).numerator_ids == [kid.pk]
    assert both("sns_food_followup", practice_a).denominator_ids == []
    plan_action(kid, ahc, date(2026, 5, 31))  # day 30: a care-plan action counts
    assert both("sns_housing_followup", practice_a).numerator_ids == [kid.pk]
