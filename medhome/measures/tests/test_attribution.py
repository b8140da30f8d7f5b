"""Attribution in every measure family's denominator (docs/clinical-rules.md#measure-attribution):
a child off the panel at the measure's anchor date (or not enrolled over its continuous-enrollment
period, with the 45-day gap allowed at its start) is not counted. Each case is checked on the
set-based engine, the per-child reference and the batches, which must agree."""

from datetime import date, timedelta

import pytest

from medhome.families.models import PanelMembership
from medhome.measures import batches, engine, reference

from .helpers import child, referral, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)
DAY = timedelta(days=1)


def span(kid, starts_on: date, ends_on: date | None = None) -> None:
    PanelMembership.objects.filter(child=kid).update(
        starts_on=starts_on, ends_on=ends_on, end_reason="transferred" if ends_on else ""
    )


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    batched = batches.compute_all(
        [key, *_siblings(key)], practices=[practice], period_start=START, period_end=END
    )[key]
    for other in (results[1], batched):
        assert sorted(results[0].numerator_ids) == sorted(other.numerator_ids), key
        assert sorted(results[0].denominator_ids) == sorted(other.denominator_ids), key
    return set(results[0].denominator_ids)


def _siblings(key: str) -> tuple[str, ...]:
    """Another measure of the key's batch, so compute_all runs the batch, not compute()."""
    for members, _builder in batches.BATCHES.values():
        if key in members:
            return tuple(m for m in members if m != key)[:1]
    return ()


@pytest.mark.django_db
def test_w30_enrollment_from_31_days_to_15_months(family_a, practice_a):
    born = date(2025, 3, 1)  # 15 months on 2026-05-30; enrollment from 2025-04-01
    anchor = date(2026, 5, 30)
    from_birth, late_45, late_46, left_on_anchor, leaves_after = (
        child(family_a, born) for _ in range(5)
    )
    span(late_45, date(2025, 4, 1) + timedelta(days=45))
    span(late_46, date(2025, 4, 1) + timedelta(days=46))
    span(left_on_anchor, born, anchor)  # ends_on is the first day off the panel
    span(leaves_after, born, anchor + DAY)

    assert both("w30_1", practice_a) == {from_birth.pk, late_45.pk, leaves_after.pk}


@pytest.mark.django_db
def test_w30_rate_2_and_dev_enrollment(family_a, practice_a):
    # 2nd birthday 2026-06-10, 30 months on 2026-12-07 (2nd birthday + 180 days)
    born = date(2024, 6, 10)
    stayed, left = child(family_a, born), child(family_a, born)
    span(left, born, date(2026, 6, 1))
    joined_late = child(family_a, born)
    span(joined_late, date(2025, 8, 1))  # 12 months before the 2nd birthday + 52 days

    assert both("w30_2", practice_a) == {stayed.pk, joined_late.pk}
    assert both("dev_2", practice_a) == {stayed.pk}
    total = both("dev", practice_a)  # with family_a's own child, 3 in 2026
    assert stayed.pk in total and not {left.pk, joined_late.pk} & total


@pytest.mark.django_db
def test_wcv_enrollment_is_the_period(family_a, child_a, practice_a):
    born = date(2018, 5, 5)
    stayed, left_dec_31, joined_feb_14, joined_feb_16 = (child(family_a, born) for _ in range(4))
    span(left_dec_31, born, END)
    span(joined_feb_14, START + timedelta(days=44))
    span(joined_feb_16, START + timedelta(days=46))
    for kid in (stayed, left_dec_31, joined_feb_14, joined_feb_16):
        visit(kid, date(2026, 6, 1))

    # family_a's own child is 3 on 31 Dec, on the panel from birth (no visit: not a numerator)
    assert both("wcv", practice_a) == {stayed.pk, joined_feb_14.pk, child_a.pk}
    assert both("wcv_3_11", practice_a) == {stayed.pk, joined_feb_14.pk, child_a.pk}


@pytest.mark.django_db
def test_caregiver_depression_on_the_panel_on_the_visit_day_and_6_month_birthday(
    family_a, practice_a
):
    born = date(2026, 3, 10)  # 1-month window 03-16..04-25; 6 months on 2026-09-10
    stayed, left = child(family_a, born), child(family_a, born)
    joined_after_visit = child(family_a, born)
    span(left, born, date(2026, 8, 1))
    span(joined_after_visit, date(2026, 3, 21))
    visits = {
        kid.pk: visit(kid, date(2026, 3, 20)).pk for kid in (stayed, left, joined_after_visit)
    }
    for kid in (stayed, left, joined_after_visit):
        screen(kid, date(2026, 3, 20), key="epds")

    assert both("cdep_1m", practice_a) == {visits[stayed.pk], visits[left.pk]}
    assert both("cdep_once_any", practice_a) == {stayed.pk, joined_after_visit.pk}


@pytest.mark.django_db
def test_autism_on_the_panel_on_the_birthday(family_a, practice_a):
    born = date(2024, 12, 1)  # 18 months on 2026-06-01
    stayed, left, left_after = (child(family_a, born) for _ in range(3))
    span(left, born, date(2026, 6, 1))
    span(left_after, born, date(2026, 6, 2))

    assert both("asd_18", practice_a) == {stayed.pk, left_after.pk}
    assert both("asd", practice_a) == {stayed.pk, left_after.pk}


@pytest.mark.django_db
def test_social_needs_on_the_panel_on_the_periods_last_day(family_a, practice_a):
    born = date(2020, 5, 5)
    stayed, left = child(family_a, born), child(family_a, born)
    span(left, born, date(2026, 11, 1))
    for kid in (stayed, left):
        visit(kid, date(2026, 3, 1))
        screen(kid, date(2026, 3, 1), key="hvs", positive=True, domains=["food"])

    assert both("sns_food_screen", practice_a) == {stayed.pk}
    assert both("sns_food_followup", practice_a) == {stayed.pk}


@pytest.mark.django_db
def test_referrals_of_a_child_on_the_panel_the_day_sent(family_a, practice_a):
    born = date(2020, 5, 5)
    kid = child(family_a, born)
    span(kid, date(2026, 3, 1), date(2026, 6, 1))
    before = referral(kid, date(2026, 2, 28))
    joined = referral(kid, date(2026, 3, 1))
    last_day = referral(kid, date(2026, 5, 31))
    left = referral(kid, date(2026, 6, 1))

    assert both("ref_closed", practice_a) == {joined.pk, last_day.pk}
    assert before.pk != left.pk
