"""Referral loop closure (medhome, after CMS50), set-based: rows are referrals.

Who counts, what is closed and the days to close are referrals/loop.py's — the definition the
referral figures use too (docs/clinical-rules.md#referral-loop-closure). The measure adds only
the period: for a period of whole calendar years, referrals sent in its last
`ref_cutoff_months` are left out (Jan 1–Oct 31, as CMS50). Each rate counts the referrals whose
current state is that state, reached (closed_at) by the period's last day. ref_closed also
carries `days_to_close` (sent → closed, a duration) for the median.
"""

from datetime import date, timedelta

from django.db.models import OuterRef, Q, QuerySet

from medhome.measures import definitions
from medhome.measures.attribution import on_panel, own_rows
from medhome.measures.sql import flagged, local_day
from medhome.periodicity.windows import add_months
from medhome.referrals import loop
from medhome.referrals.models import Referral

STATES = {key: status for key, status, _ in definitions.REFERRAL_STATES}
DAYS_FIELD = "days_to_close"


def whole_calendar_years(start: date, end: date) -> bool:
    return (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)


def last_sent_day(rules: dict, start: date, end: date) -> date:
    """The last day a referral may be sent to count (Oct 31 for a calendar year)."""
    months = int(rules["ref_cutoff_months"])
    if not months or not whole_calendar_years(start, end):
        return end
    return add_months(end + timedelta(days=1), -months) - timedelta(days=1)


def referral_rate(key: str, rules, practices, start: date, end: date):
    referrals = sent_referrals(rules, practices, start, end)
    if key in MEDIAN_FIELDS:
        referrals = with_days_to_close(referrals)
    return flagged(referrals, closed_as(key, end), "child_id"), "child__"


def sent_referrals(rules, practices, start: date, end: date) -> QuerySet:
    """The units of every loop-closure rate: the referrals sent in the period, for a child on
    the panel on the day sent (docs/clinical-rules.md#measure-attribution)."""
    referrals = Referral.objects.filter(practice__in=practices)
    sent = loop.sent(referrals, start, last_sent_day(rules, start, end))
    return sent.alias(sent_day=local_day("requested_at")).filter(
        on_panel(OuterRef("sent_day"), "child_id", practices=own_rows(practices))
    )


def closed_as(key: str, end: date) -> Q:
    """The key's numerator: the referral's state is the key's, reached by the period's end."""
    return loop.in_state_by(STATES[key], end)


def with_days_to_close(referrals: QuerySet) -> QuerySet:
    return referrals.annotate(**{DAYS_FIELD: loop.days_to_close_expression()})


BUILDERS = dict.fromkeys(STATES, referral_rate)
# The measures whose closed rows carry a duration: compute() takes their median.
MEDIAN_FIELDS = {"ref_closed": DAYS_FIELD}
