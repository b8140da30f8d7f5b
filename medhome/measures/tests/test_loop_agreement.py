"""The referral figures and the loop-closure measures read one definition (referrals/loop.py):
on the same referrals they give the same denominator, closed counts and median days."""

from datetime import date

import pytest

from medhome.accounts.roles import Role
from medhome.measures import engine, reference
from medhome.referrals import selectors
from tests import factories

from .helpers import child, referral

START, END = date(2026, 3, 1), date(2026, 3, 31)


@pytest.mark.django_db
def test_referral_figures_and_measures_agree(family_a, practice_a, clinician_a):
    kid = child(family_a, date(2020, 1, 1))
    # Sent in March and closed in March (one at 23:00 on the last day, local time).
    referral(kid, START, status="completed", closed=date(2026, 3, 3), outcome="need_met")
    referral(kid, START, status="completed", closed=date(2026, 3, 8), outcome="not_met")
    referral(kid, START, status="completed", closed=END, closed_hour=23, outcome="need_met")
    referral(kid, date(2026, 3, 2), status="rejected", closed=date(2026, 3, 4))
    referral(kid, date(2026, 3, 2), status="failed", closed=date(2026, 3, 20))
    referral(kid, date(2026, 3, 2), status="cancelled", closed=date(2026, 3, 5))
    referral(kid, END, status="accepted")  # still open
    # Never counted: entered in error, a draft, sent before or after the period.
    referral(kid, date(2026, 3, 2), status="entered_in_error", closed=date(2026, 3, 2))
    referral(kid, date(2026, 3, 2), status="draft")
    referral(kid, date(2026, 2, 28), status="completed", closed=START, outcome="need_met")
    referral(kid, date(2026, 4, 1), status="completed", closed=date(2026, 4, 2), outcome="need_met")

    actor = factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)
    figures = selectors.loop_figures(actor, start=START, end=END).total

    for module in (engine, reference):

        def measure(key, module=module):
            return module.compute(key, practices=[practice_a], period_start=START, period_end=END)

        closed = measure("ref_closed")
        assert figures.sent == len(closed.denominator_ids) == 7
        assert figures.completed == len(closed.numerator_ids) == 3
        assert figures.median_days_to_close == closed.median_days == 7.0  # 2, 7 and 30.5 days
        assert figures.rejected == len(measure("ref_rejected").numerator_ids) == 1
        assert figures.failed == len(measure("ref_failed").numerator_ids) == 1
        assert figures.cancelled == len(measure("ref_cancelled").numerator_ids) == 1
