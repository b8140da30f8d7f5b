"""Referral loop closure (after CMS50) at its edges: the Oct 31 cut-off of a calendar year,
closing on the period's last day, terminal states never counted as closed."""

from datetime import date

import pytest

from medhome.measures import engine, reference

from .helpers import child, referral

START, END = date(2026, 1, 1), date(2026, 12, 31)


def both(key, practice, start=START, end=END):
    results = [
        module.compute(key, practices=[practice], period_start=start, period_end=end)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
    assert results[0].median_days == results[1].median_days, key
    return results[0]


@pytest.mark.django_db
def test_referral_rates_and_cutoff(family_a, practice_a, practice_b, family_b):
    kid = child(family_a, date(2020, 1, 1))
    # Closed at 23:00 on the period's last day (local time): counts.
    last_day = referral(
        kid, date(2026, 3, 1), status="completed", closed=END, closed_hour=23, outcome="need_met"
    )
    four = referral(
        kid, date(2026, 2, 1), status="completed", closed=date(2026, 2, 5), outcome="not_met"
    )
    six = referral(
        kid, date(2026, 3, 1), status="completed", closed=date(2026, 3, 7), outcome="need_met"
    )
    late = referral(
        kid, date(2026, 3, 1), status="completed", closed=date(2027, 1, 1), outcome="need_met"
    )
    rejected = referral(kid, date(2026, 4, 1), status="rejected", closed=date(2026, 4, 2))
    failed = referral(kid, date(2026, 4, 1), status="failed", closed=date(2026, 6, 2))
    cancelled = referral(kid, date(2026, 4, 1), status="cancelled", closed=date(2026, 4, 3))
    open_ = referral(kid, date(2026, 10, 31), status="accepted")  # the last day sent counts
    november = referral(
        kid, date(2026, 11, 1), status="completed", closed=date(2026, 11, 5), outcome="need_met"
    )
    error = referral(kid, date(2026, 4, 1), status="entered_in_error", closed=date(2026, 4, 1))
    draft = referral(kid, date(2026, 4, 1), status="draft")
    sent_2025 = referral(kid, date(2025, 12, 31), status="rejected", closed=date(2026, 1, 2))

    closed = both("ref_closed", practice_a)
    cohort = {last_day, four, six, late, rejected, failed, cancelled, open_}
    assert set(closed.denominator_ids) == {r.pk for r in cohort}
    for excluded in (november, error, draft, sent_2025):
        assert excluded.pk not in closed.denominator_ids
    assert set(closed.numerator_ids) == {last_day.pk, four.pk, six.pk}
    assert closed.median_days == 6.0  # 4, 6 and 305.5 days
    assert both("ref_rejected", practice_a).numerator_ids == [rejected.pk]
    assert both("ref_failed", practice_a).numerator_ids == [failed.pk]
    assert both("ref_cancelled", practice_a).numerator_ids == [cancelled.pk]
    assert both("ref_rejected", practice_a).median_days is None
    assert both("ref_closed", practice_b).denominator_ids == []

    # A period that is not a calendar year counts every referral sent in it.
    november_only = both("ref_closed", practice_a, date(2026, 11, 1), date(2026, 11, 30))
    assert november_only.denominator_ids == [november.pk]
    assert november_only.numerator_ids == [november.pk]
    assert november_only.median_days == 4.0
