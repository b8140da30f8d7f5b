"""Per-referral reference for the referral loop-closure rates: plain Python over every
referral of the practices, reading referrals/loop.py's sets (not its queries) and
definitions.py."""

from datetime import date, timedelta

from medhome.core import clock
from medhome.measures import definitions, reference_attribution
from medhome.periodicity.windows import add_months
from medhome.referrals import loop
from medhome.referrals.models import Referral

STATES = {key: status for key, status, _ in definitions.REFERRAL_STATES}


def compute(key: str, rules: dict, practices, start: date, end: date):
    """(numerator ids, denominator ids, median days or None)."""
    target = STATES[key]
    last_sent = end
    months = rules["ref_cutoff_months"]
    if months and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        last_sent = add_months(end + timedelta(days=1), -months) - timedelta(days=1)
    numerator, denominator, days = [], [], []
    referrals = list(Referral.objects.filter(practice__in=practices).order_by("pk"))
    spans = reference_attribution.spans_of({r.child_id for r in referrals})
    for referral in referrals:
        if referral.requested_at is None or referral.status in loop.NOT_COUNTED:
            continue
        sent = clock.local_date(referral.requested_at)
        if not start <= sent <= last_sent:
            continue
        if not reference_attribution.on_panel(spans, referral.child_id, sent):
            continue
        denominator.append(referral.pk)
        closed = clock.local_date(referral.closed_at) if referral.closed_at else None
        if referral.status != target or closed is None or closed > end:
            continue
        if target in loop.CLOSED and not referral.outcome:
            continue
        numerator.append(referral.pk)
        assert referral.closed_at is not None and referral.requested_at is not None
        days.append(loop.days_to_close(referral.requested_at, referral.closed_at))
    median = loop.median_days(days) if key == "ref_closed" else None
    return numerator, denominator, median
