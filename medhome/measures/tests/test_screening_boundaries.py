"""Caregiver depression and autism screening at their edges, on the engine and the reference.
Dates are worked out by hand from the windows (docs/clinical-rules.md#visit-windows) and the
CMS82 measure (docs/clinical-rules.md#caregiver-depression-measures)."""

from datetime import date

import pytest

from medhome.measures import engine, reference

from .helpers import child, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)


def both(key, practice, start=START, end=END):
    results = [
        module.compute(key, practices=[practice], period_start=start, period_end=end)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
    return results[0]


# Born 2026-03-10: 1-month window 03-16..04-25 (opens day 6, closes at 2 months - 14 days);
# 2-month 04-26..06-25; 4-month 06-26..08-26; 6-month 08-27..11-25.
BORN = date(2026, 3, 10)


@pytest.mark.django_db
def test_one_month_visit_window_edges(family_a, practice_a):
    too_early = child(family_a, BORN)
    first_day = child(family_a, BORN)
    last_day = child(family_a, BORN)
    two_month = child(family_a, BORN)
    early = visit(too_early, date(2026, 3, 15))  # day 5: the 3-5 day visit
    screen(too_early, date(2026, 3, 15), key="epds")
    opening = visit(first_day, date(2026, 3, 16))
    screen(first_day, date(2026, 3, 16), key="epds")
    visit(first_day, date(2026, 3, 30))  # a second visit in the window is not a unit
    closing = visit(last_day, date(2026, 4, 25))
    screen(last_day, date(2026, 4, 26), key="epds")  # in the 2-month window, not the 1-month
    second = visit(two_month, date(2026, 4, 26))
    screen(two_month, date(2026, 6, 25), key="phq9")  # last day of the 2-month window

    one = both("cdep_1m", practice_a)
    assert set(one.denominator_ids) == {opening.pk, closing.pk}
    assert early.pk not in one.denominator_ids
    assert one.numerator_ids == [opening.pk]
    two = both("cdep_2m", practice_a)
    assert two.denominator_ids == [second.pk] and two.numerator_ids == [second.pk]
    total = both("cdep_visits", practice_a)
    assert set(total.denominator_ids) == {opening.pk, closing.pk, second.pk}
    assert set(total.numerator_ids) == {opening.pk, second.pk}


@pytest.mark.django_db
def test_the_first_visit_of_a_window_whole_length_apart_and_at_the_same_moment(
    family_a, practice_a
):
    """The N-month visit is the window's first: one on its last day is not a unit when another
    fell on its first day (the engine bounds its look-back by the window's length), and of two
    visits at the same moment exactly one is (the reference's order)."""
    spanning, tied = child(family_a, BORN), child(family_a, BORN)
    opening = visit(spanning, date(2026, 3, 16))  # the 1-month window's first day
    closing = visit(spanning, date(2026, 4, 25))  # and its last
    twins = [visit(tied, date(2026, 4, 1)) for _ in range(2)]

    one = both("cdep_1m", practice_a)
    assert opening.pk in one.denominator_ids and closing.pk not in one.denominator_ids
    assert len({twin.pk for twin in twins} & set(one.denominator_ids)) == 1
    assert len(one.denominator_ids) == 2


@pytest.mark.django_db
def test_respondent_status_and_instrument_of_the_caregiver_screen(family_a, practice_a, settings):
    kids = [child(family_a, BORN) for _ in range(5)]
    units = [visit(kid, date(2026, 5, 1)) for kid in kids]  # 2-month visits
    screen(kids[0], date(2026, 5, 1), key="phq9", respondent="adolescent")
    screen(kids[1], date(2026, 5, 1), key="epds", status="partial")
    screen(kids[2], date(2026, 5, 1), key="phq2")
    screen(kids[3], date(2026, 5, 1), key="epds")
    screen(kids[4], date(2026, 5, 1), key="asq3")  # not a depression screen
    assert both("cdep_2m", practice_a).numerator_ids == [units[3].pk]
    # The PHQ-2 counts only where the practice opts in to a PHQ-2 gate
    # (docs/clinical-rules.md#suicide-risk-question).
    settings.MEDHOME_SCREENING = {"caregiver_phq2_gate": True}
    assert set(both("cdep_2m", practice_a).numerator_ids) == {units[2].pk, units[3].pk}


@pytest.mark.django_db
def test_screen_days_around_the_visit_setting(family_a, practice_a, settings):
    near, far = child(family_a, BORN), child(family_a, BORN)
    near_visit = visit(near, date(2026, 7, 1))  # 4-month visit
    far_visit = visit(far, date(2026, 7, 1))
    screen(near, date(2026, 7, 4), key="epds")
    screen(far, date(2026, 7, 5), key="epds")  # in the window, 4 days after the visit
    assert set(both("cdep_4m", practice_a).numerator_ids) == {near_visit.pk, far_visit.pk}
    settings.MEDHOME_MEASURE_RULES = {"cdep_screen_days_from_visit": 3}
    assert both("cdep_4m", practice_a).numerator_ids == [near_visit.pk]


@pytest.mark.django_db
def test_visits_outside_the_period_or_not_well_child(family_a, practice_a):
    december = child(family_a, date(2025, 11, 1))  # 1-month window 2025-11-07..12-17
    visit(december, date(2025, 12, 17))  # the 1-month visit, before the period
    visit(december, date(2026, 1, 2))  # 2-month window opens 2025-12-18: a 2-month visit
    sick = child(family_a, BORN)
    visit(sick, date(2026, 9, 1), kind="sick")
    audio = child(family_a, BORN)
    visit(audio, date(2026, 9, 1), modality="audio")
    assert both("cdep_1m", practice_a).denominator_ids == []
    assert len(both("cdep_2m", practice_a).denominator_ids) == 1
    assert both("cdep_6m", practice_a).denominator_ids == []


@pytest.mark.django_db
def test_cdep_once_six_month_birthday(family_a, practice_a):
    # Born 2026-01-15: 6 months on 2026-07-15.
    on = child(family_a, date(2026, 1, 15))
    after = child(family_a, date(2026, 1, 15))
    no_visit = child(family_a, date(2026, 1, 15))
    visit_on_birthday = child(family_a, date(2026, 1, 15))
    for kid in (on, after):
        visit(kid, date(2026, 2, 20), kind="sick")  # any kind of visit before 6 months
    screen(on, date(2026, 7, 15), key="epds")  # on the 6-month birthday: counts
    screen(after, date(2026, 7, 16), key="epds")
    screen(no_visit, date(2026, 3, 1), key="epds")
    visit(visit_on_birthday, date(2026, 7, 15))  # at 6 months, not before
    first = child(family_a, date(2025, 7, 1))  # 6 months on 2026-01-01
    before = child(family_a, date(2025, 6, 30))  # 6 months on 2025-12-30
    for kid in (first, before):
        visit(kid, date(2025, 8, 1))
    result = both("cdep_once_any", practice_a)
    assert set(result.denominator_ids) == {on.pk, after.pk, first.pk}
    assert result.numerator_ids == [on.pk]


@pytest.mark.django_db
def test_cdep_once_counts_the_birth_parents_screen_as_cms82_and_any_caregivers_beside_it(
    family_a, practice_a
):
    """CMS82 counts the mother's screen (docs/clinical-rules.md#measures): the birth-parent figure
    counts
    only a screen answered by a caregiver recorded as a birth parent; medhome's any-caregiver
    figure counts every caregiver's. Issue 14."""
    from tests import factories

    mother = factories.add_caregiver(family_a, given_name="Marisol", is_birth_parent=True)
    father = factories.add_caregiver(family_a, given_name="Julián", relationship="father")
    by_mother, by_father, by_nobody, unscreened = (
        child(family_a, date(2026, 1, 15)) for _ in range(4)
    )
    for kid in (by_mother, by_father, by_nobody, unscreened):
        visit(kid, date(2026, 2, 20), kind="sick")
    screen(by_mother, date(2026, 3, 1), key="epds", caregiver=mother)
    screen(by_father, date(2026, 3, 1), key="phq9", caregiver=father)
    screen(by_nobody, date(2026, 3, 1), key="phq9")

    birth_parent = both("cdep_once", practice_a)
    any_caregiver = both("cdep_once_any", practice_a)

    everyone = {by_mother.pk, by_father.pk, by_nobody.pk, unscreened.pk}
    assert set(birth_parent.denominator_ids) == set(any_caregiver.denominator_ids) == everyone
    assert birth_parent.numerator_ids == [by_mother.pk]
    assert set(any_caregiver.numerator_ids) == {by_mother.pk, by_father.pk, by_nobody.pk}


# Born 2024-12-15: 18 months 2026-06-15 (window 2026-06-01..11-30), 24 months 2026-12-15
# (window 2026-12-01..2027-05-31): both birthdays in 2026.
TODDLER = date(2024, 12, 15)


@pytest.mark.django_db
def test_autism_screening_windows_and_anchor(family_a, practice_a):
    anchor = child(family_a, TODDLER)
    both_windows = child(family_a, TODDLER)
    day_before = child(family_a, TODDLER)
    partial = child(family_a, TODDLER)
    screen(anchor, date(2026, 6, 15), key="mchat_r")  # on the 18-month anchor
    screen(both_windows, date(2026, 6, 1), key="mchat_rf_followup", respondent="staff")
    screen(both_windows, date(2026, 12, 1), key="swyc_posi")
    screen(day_before, date(2026, 5, 31), key="mchat_r")
    screen(partial, date(2026, 7, 1), key="mchat_r", status="partial")
    screen(partial, date(2026, 7, 1), key="asq3")  # general developmental: not autism
    first = child(family_a, date(2024, 7, 1))  # 18 months on 2026-01-01
    last = child(family_a, date(2025, 6, 30))  # 18 months on 2026-12-30
    outside = [child(family_a, date(2024, 6, 30)), child(family_a, date(2025, 7, 1))]
    toddlers = {anchor.pk, both_windows.pk, day_before.pk, partial.pk}

    eighteen = both("asd_18", practice_a)
    assert set(eighteen.denominator_ids) == toddlers | {first.pk, last.pk}
    assert not {kid.pk for kid in outside} & set(eighteen.denominator_ids)
    assert set(eighteen.numerator_ids) == {anchor.pk, both_windows.pk}
    assert both("asd_24", practice_a).numerator_ids == [both_windows.pk]
    total = both("asd", practice_a)
    assert toddlers <= set(total.denominator_ids)
    assert total.numerator_ids == [both_windows.pk]  # a screen in each window reached
