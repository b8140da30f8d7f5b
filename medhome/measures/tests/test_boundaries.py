"""Hand-built children at the issue's boundaries, checked on the engine and the reference."""

from datetime import date, timedelta

import pytest

from medhome.measures import engine, reference

from .helpers import child, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids)
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids)
    return results[0]


def six_visits_ending(kid, last: date, spacing=14):
    for n in range(6):
        visit(kid, last - timedelta(days=spacing * n))


@pytest.mark.django_db
def test_w30_rate_1_boundaries(family_a, practice_a):
    first_day = child(family_a, date(2024, 10, 3))  # 15 months on 2026-01-01
    last_day = child(family_a, date(2025, 10, 2))  # 15 months on 2026-12-31
    before = child(family_a, date(2024, 10, 2))  # 15 months on 2025-12-31
    after = child(family_a, date(2025, 10, 3))  # 15 months on 2027-01-01
    late = child(family_a, date(2025, 3, 1))  # 15 months 2026-05-30; 6th visit a day late
    close = child(family_a, date(2025, 3, 2))  # 15 months 2026-05-31; visits 13 days apart
    audio = child(family_a, date(2025, 3, 3))  # 15 months 2026-06-01; one visit audio-only
    six_visits_ending(first_day, date(2026, 1, 1))
    six_visits_ending(last_day, date(2026, 12, 31))
    six_visits_ending(before, date(2025, 12, 31))
    six_visits_ending(late, date(2026, 5, 31))  # one day after the 15-month birthday
    six_visits_ending(close, date(2026, 5, 31), spacing=13)
    six_visits_ending(audio, date(2026, 6, 1))
    audio.visits.order_by("starts_at").first().__class__.objects.filter(
        child=audio, starts_at__date=date(2026, 6, 1)
    ).update(modality="audio")

    result = both("w30_1", practice_a)

    assert set(result.denominator_ids) == {first_day.pk, last_day.pk, late.pk, close.pk, audio.pk}
    assert before.pk not in result.denominator_ids and after.pk not in result.denominator_ids
    assert set(result.numerator_ids) == {first_day.pk, last_day.pk}
    assert result.rate == pytest.approx(2 / 5)
    assert any("enrollment" in s for s in result.simplifications)


@pytest.mark.django_db
def test_w30_rate_1_visit_on_the_15_month_birthday_counts(family_a, practice_a):
    kid = child(family_a, date(2025, 3, 1))  # 15 months on 2026-05-30
    six_visits_ending(kid, date(2026, 5, 30))
    assert both("w30_1", practice_a).numerator_ids == [kid.pk]


@pytest.mark.django_db
def test_w30_rate_2_window_starts_the_day_after_15_months(family_a, practice_a):
    on = child(family_a, date(2024, 1, 10))  # 15 mo 2025-04-10, 30 mo 2026-07-09
    after = child(family_a, date(2024, 1, 11))
    fifteen_on, fifteen_after = date(2025, 4, 10), date(2025, 4, 11)
    visit(on, fifteen_on)  # on the 15-month birthday: belongs to rate 1, not rate 2
    visit(on, date(2026, 1, 1))
    visit(after, fifteen_after + timedelta(days=1))  # 15 months + 1 day
    visit(after, date(2026, 7, 10))  # on the 30-month birthday
    result = both("w30_2", practice_a)
    assert set(result.denominator_ids) == {on.pk, after.pk}
    assert result.numerator_ids == [after.pk]


@pytest.mark.django_db
def test_wcv_bands_and_audio_only_telehealth(family_a, practice_a, child_a):
    # child_a (the cast's child, born 2023-05-17) is 3 on 2026-12-31, with no visit.
    three = child(family_a, date(2023, 12, 31))  # 3 on 2026-12-31
    two = child(family_a, date(2024, 1, 1))  # 2 on 2026-12-31
    twentyone = child(family_a, date(2005, 1, 1))  # 21 on 2026-12-31
    twentytwo = child(family_a, date(2004, 12, 31))  # 22
    teen = child(family_a, date(2012, 6, 1))  # 14
    visit(three, date(2026, 12, 31), modality="video")
    visit(twentyone, date(2026, 1, 1))
    visit(teen, date(2026, 3, 3), modality="audio")
    visit(teen, date(2026, 4, 4), kind="sick")
    total = both("wcv", practice_a)
    assert set(total.denominator_ids) == {three.pk, twentyone.pk, teen.pk, child_a.pk}
    assert set(total.numerator_ids) == {three.pk, twentyone.pk}
    assert two.pk not in total.denominator_ids and twentytwo.pk not in total.denominator_ids
    assert set(both("wcv_3_11", practice_a).denominator_ids) == {three.pk, child_a.pk}
    assert both("wcv_12_17", practice_a).numerator_ids == []
    assert both("wcv_18_21", practice_a).numerator_ids == [twentyone.pk]


@pytest.mark.django_db
def test_dev_ch_screen_on_the_birthday_counts_not_on_the_previous(family_a, practice_a, child_a):
    # child_a (the cast's child, born 2023-05-17) turns 3 in 2026, unscreened.
    on = child(family_a, date(2023, 6, 15))  # turns 3 on 2026-06-15
    prev = child(family_a, date(2023, 6, 16))
    mchat = child(family_a, date(2024, 1, 1))  # turns 2 on 2026-01-01
    one = child(family_a, date(2025, 12, 31))  # turns 1 on 2026-12-31
    leap = child(family_a, date(2024, 2, 29))  # 2nd birthday 2026-02-28
    screen(on, date(2026, 6, 15))
    screen(prev, date(2025, 6, 16))  # on the previous birthday: outside
    screen(mchat, date(2025, 12, 1), key="mchat_r")  # autism-only: does not count
    screen(mchat, date(2025, 11, 1), key="asqse2")  # social-emotional only
    screen(one, date(2026, 12, 31), key="swyc_milestones_12")
    screen(leap, date(2026, 2, 28))
    assert set(both("dev_3", practice_a).denominator_ids) == {on.pk, prev.pk, child_a.pk}
    assert both("dev_3", practice_a).numerator_ids == [on.pk]
    assert both("dev_2", practice_a).numerator_ids == [leap.pk]
    assert both("dev_1", practice_a).numerator_ids == [one.pk]
    total = both("dev", practice_a)
    assert set(total.denominator_ids) == {on.pk, prev.pk, mchat.pk, one.pk, leap.pk, child_a.pk}
    assert set(total.numerator_ids) == {on.pk, one.pk, leap.pk}


@pytest.mark.django_db
def test_rules_are_settings(family_a, practice_a, settings):
    kid = child(family_a, date(2025, 3, 2))
    six_visits_ending(kid, date(2026, 5, 31), spacing=13)
    assert both("w30_1", practice_a).numerator_ids == []
    settings.MEDHOME_MEASURE_RULES = {"w30_min_days_between_visits": 0}
    assert both("w30_1", practice_a).numerator_ids == [kid.pk]


@pytest.mark.django_db
def test_other_practices_children_are_not_counted(family_a, family_b, practice_b):
    kid = child(family_a, date(2023, 6, 15))
    screen(kid, date(2026, 6, 15))
    assert both("dev", practice_b).denominator_ids == []
