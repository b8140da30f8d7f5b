"""Referral loop closure: the one definition (docs/clinical-rules.md#referral-loop-closure).

The loop figures on the referrals page (selectors.loop_figures) and the loop-closure measures
(measures/referral_measures.py, and its per-referral reference) both read it here, so the same
referrals can never give two answers:

- the denominator is the referrals *sent* in the period: `requested_at` on one of its days, by
  the practice's calendar. A draft was never sent (it has no `requested_at`); a referral entered
  in error never existed (NOT_COUNTED);
- the loop is *closed* when the organization completed the referral with an outcome recorded
  (CLOSED); rejected, failed and cancelled referrals have ended (ENDED) but their loop is not
  closed; a referral counts in its current state, reached (`closed_at`) by the given day;
- days to close run from sending (`requested_at`) to closing (`closed_at`), with fractions.
"""

import statistics
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from .states import TERMINAL, Status

# Never existed: left out of every count (a draft is left out by having no requested_at).
NOT_COUNTED = frozenset({Status.ENTERED_IN_ERROR})
# The loop is closed only by a completion with an outcome (the model's constraint requires one).
CLOSED = frozenset({Status.COMPLETED})
# Every way a sent referral ends; each sets closed_at.
ENDED = TERMINAL - NOT_COUNTED


def first_moment(day: date) -> datetime:
    """The day's first moment in the current (practice) time zone. A plain bound on the column
    lets an index serve the range (a condition on the converted day could not)."""
    if not settings.USE_TZ:  # naive datetimes are local already
        return datetime.combine(day, time.min)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def sent_between(first: date, last: date) -> Q:
    """Sent on one of the days first..last (inclusive, the practice's calendar), and counted."""
    return (
        Q(requested_at__gte=first_moment(first))
        & Q(requested_at__lt=first_moment(last + timedelta(days=1)))
        & ~Q(status__in=NOT_COUNTED)
    )


def sent(queryset: QuerySet, first: date, last: date) -> QuerySet:
    """The denominator: the referrals of `queryset` sent in the period."""
    return queryset.filter(sent_between(first, last))


def in_state_by(status: str, last: date | None = None) -> Q:
    """The referral is now in `status`, reached by the end of `last` (None: by now). A closed
    state also needs its outcome."""
    condition = Q(status=status)
    if last is not None:
        condition &= Q(closed_at__lt=first_moment(last + timedelta(days=1)))
    if status in CLOSED:
        condition &= ~Q(outcome="")
    return condition


def closed_by(last: date | None = None) -> Q:
    """The loop is closed, by the end of `last` (None: by now)."""
    return in_state_by(Status.COMPLETED, last)


def days_to_close_expression() -> ExpressionWrapper:
    """closed_at - requested_at as a duration, for an annotation."""
    return ExpressionWrapper(F("closed_at") - F("requested_at"), output_field=DurationField())


def days_to_close(requested_at: datetime, closed_at: datetime) -> float:
    return (closed_at - requested_at).total_seconds() / 86400


def median_days(durations: Iterable[timedelta | float | None]) -> float | None:
    """Median of durations (timedeltas or days) in days, rounded to 0.1; None for none."""
    values = [
        d.total_seconds() / 86400 if isinstance(d, timedelta) else d
        for d in durations
        if d is not None
    ]
    return round(statistics.median(values), 1) if values else None
