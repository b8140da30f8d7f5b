"""Portable SQL building blocks shared by the measure builders (SQLite and PostgreSQL).

Per-child dates are (date of birth + an offset in days); over a birth-date interval the offset
takes only a few values, so a bound is a CASE over runs of dates of birth with the same offset
(engine.py's module docstring explains why).
"""

import operator
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone


def shift(expression: Expression | F, days: int) -> Expression | F:
    if days == 0:
        return expression
    return Cast(expression + Value(timedelta(days=days)), output_field=DateField())


def per_child(
    births: list[date], bound_of: Callable[..., date], field: str = "date_of_birth"
) -> Case:
    """CASE over runs of consecutive dates of birth with the same offset bound - dob."""
    runs: list[list] = []  # [first, last, offset]
    for dob in births:
        offset = (bound_of(dob) - dob).days
        if runs and runs[-1][2] == offset and runs[-1][1] + timedelta(days=1) == dob:
            runs[-1][1] = dob
        else:
            runs.append([dob, dob, offset])
    return Case(
        *(
            When(**{f"{field}__range": (first, last)}, then=shift(F(field), offset))
            for first, last, offset in runs
        ),
        output_field=DateField(),
    )


def flagged(queryset: QuerySet, condition, child_field: str = "pk") -> QuerySet:
    """The membership shape: `in_numerator` from `condition`, `member_child_id` from
    `child_field` (the child's pk, or "child_id" for visit and referral rows)."""
    return queryset.annotate(
        in_numerator=Case(When(condition, then=True), default=False, output_field=BooleanField()),
        member_child_id=F(child_field),
    )


def local_day(field: str) -> TruncDate:
    """The calendar day of a moment in the current (practice) time zone, as clock.local_date."""
    return TruncDate(field)


def moments_around(field: str, first: date, last: date) -> Q:
    """A sargable superset of `first <= local_day(field) <= last` on the datetime column itself
    (UTC midnight of first - 1 day to UTC midnight of last + 2 days: any time zone's calendar
    day lies within it), so an index on `field` can serve it or the rows outside be pruned
    early; the exact TruncDate condition stays alongside it."""
    low = datetime.combine(first - timedelta(days=1), time.min, tzinfo=UTC)
    high = datetime.combine(last + timedelta(days=2), time.min, tzinfo=UTC)
    if not settings.USE_TZ:  # naive datetimes are local: one day either side is enough
        low, high = low.replace(tzinfo=None), high.replace(tzinfo=None)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def local_days(field: str, first: date, last: date) -> Q:
    """Exactly `first <= local_day(field) <= last`, as a range on the column itself: from the
    first moment of `first` to the first moment of the day after `last`, in the current (practice)
    time zone, the one local_day() converts to. A plain range lets an index serve it and lets
    the planner estimate it (a condition on the converted day is estimated at a fixed 0.5 %
    of the rows, and PostgreSQL then plans around a few thousand rows where there are
    millions)."""
    return Q(**{f"{field}__gte": _first_moment(first)}) & by_local_day(field, last)


def by_local_day(field: str, last: date) -> Q:
    """Exactly `local_day(field) <= last` (and not null), as a bound on the column."""
    return Q(**{f"{field}__lt": _first_moment(last + timedelta(days=1))})


def _first_moment(day: date) -> datetime:
    """Local midnight; with fold=0 it is the day's first moment even when a clock change skips
    or repeats midnight."""
    if not settings.USE_TZ:  # naive datetimes are local already
        return datetime.combine(day, time.min)
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def as_text(field: str) -> Cast:
    """A JSON list column as its text, to test membership portably with `contains` ('"food"'):
    SQLite has no JSON containment lookup."""
    return Cast(field, output_field=TextField())


def well_visits(rules: dict) -> QuerySet:
    """Completed well-child visits as W30/WCV count them, with their local `day`."""
    from medhome.visits.models import Visit

    return Visit.objects.filter(
        kind__in=rules["well_visit_kinds"],
        status=rules["well_visit_status"],
        modality__in=rules["counted_modalities"],
    ).annotate(day=local_day("starts_at"))


def any_of(conditions: list) -> Q:
    """OR of Q / Exists conditions (at least one)."""
    return reduce(operator.or_, (Q(c) for c in conditions))


def all_of(conditions: list) -> Q:
    return reduce(operator.and_, (Q(c) for c in conditions))


class DaysBetween(Func):
    """Whole days from `earlier` to `later` (two dates), as an integer, on SQLite and PostgreSQL:
    a program's ages are day counts on its own row (medhome.programs), compared in SQL so a
    measure stays one query."""

    output_field = IntegerField()
    # PostgreSQL: date - date is an integer.
    template = "(CAST(%(expressions)s AS date))"
    arg_joiner = " AS date) - CAST("

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS integer)",
            arg_joiner=") - julianday(",
            **extra,
        )
