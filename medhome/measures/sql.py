"""Portable SQL building blocks shared by the measure builders (SQLite and PostgreSQL).

Per-child dates are (date of birth + an offset in days); over a birth-date interval the offset
takes only a few values, so a bound is a CASE over runs of dates of birth with the same offset
(engine.py's module docstring explains why).
"""

import functools
import operator
import zoneinfo
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DateTimeField,
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
) -> "BirthRuns":
    """CASE over runs of consecutive dates of birth with the same offset bound - dob."""
    runs: list[list] = []  # [first, last, offset]
    for dob in births:
        offset = (bound_of(dob) - dob).days
        if runs and runs[-1][2] == offset and runs[-1][1] + timedelta(days=1) == dob:
            runs[-1][1] = dob
        else:
            runs.append([dob, dob, offset])
    return BirthRuns([(first, last, offset) for first, last, offset in runs], field)


class BirthRuns(Expression):
    """CASE WHEN dob BETWEEN first AND last THEN dob + offset days … ELSE NULL END, first
    matching run wins: what Case(When(dob__range=(first, last), then=shift(F(dob), offset)), …)
    compiles to, with the same SQL. As a tree that was a When, a range lookup and a shifted date
    per run, resolved and compiled each time a query named the bound: about a third of one
    practice's caregiver-depression and autism figures' time (docs/benchmarks.md, "Measures
    engine against hand-written SQL", third pass). Here the date of birth and one shifted date
    per distinct offset are Django's own expressions (so the date arithmetic is each database's,
    and a join or alias relabels them), and the runs are parameters."""

    output_field = DateField()

    def __init__(self, runs: list[tuple[date, date, int]], field: str) -> None:
        super().__init__()
        self.runs = tuple(runs)
        self.offsets = tuple(sorted({offset for _first, _last, offset in runs}))
        self.born: Any = F(field)
        self.shifted: list[Any] = [shift(F(field), offset) for offset in self.offsets]

    def get_source_expressions(self) -> list[Any]:
        return [self.born, *self.shifted]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.born, *self.shifted = exprs

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not self.runs:
            return "NULL", []
        born, born_params = compiler.compile(self.born)
        shifted = {
            offset: compiler.compile(expression)
            for offset, expression in zip(self.offsets, self.shifted, strict=True)
        }
        adapt = connection.ops.adapt_datefield_value
        parts, params = ["CASE"], []
        for first, last, offset in self.runs:
            then, then_params = shifted[offset]
            parts.append(f"WHEN {born} BETWEEN %s AND %s THEN {then}")
            params += [*born_params, adapt(first), adapt(last), *then_params]
        parts.append("ELSE NULL END")
        return " ".join(parts), params


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


class LocalMidnight(Func):
    """The first moment of the local day `day + days` (a date expression) in the current
    (practice) time zone, as _first_moment computes it, but in SQL: so `local_day(f) >= day` is
    `f >= LocalMidnight(day)` and `local_day(f) <= day` is `f < LocalMidnight(day, days=1)`, a
    range on the column itself that its index serves, for a day computed per row (a child's
    window bound, the last visit counted), where comparing local_day(f) converts every row read.

    PostgreSQL reads a local time that a clock change repeats at the offset after the change,
    _first_moment (fold=0) at the one before; they differ only on a repeated midnight, which
    most zones never have (_repeats_midnight). Those zones get the exact form: the midnight
    read at the offset 3 hours earlier, when that is an earlier moment of the same local time
    (no clock change repeats more than 3 hours). It names its argument once, in a subquery
    that OFFSET 0 keeps from being inlined: nested (a day computed from the day before it),
    a form naming it several times would grow exponentially. SQLite calls
    core.sqlite_functions.local_midnight."""

    output_field = DateTimeField()
    arity = 1

    def __init__(self, day, days: int = 0, **extra):
        super().__init__(day, **extra)
        self.days = int(days)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        """PostgreSQL's."""
        day, params = compiler.compile(self.source_expressions[0])
        local = f"(CAST({day} AS date) + {self.days})::timestamp"
        if not settings.USE_TZ:  # the column holds local times already
            return local, params
        name = timezone.get_current_timezone_name()
        zone = connection.ops._prepare_tzname_delta(name)
        if not _repeats_midnight(name):
            return f"({local} AT TIME ZONE %s)", (*params, zone)
        return (
            # `local` is compiled SQL with placeholders; the zone is a parameter.
            "(SELECT CASE WHEN c < t0 AND (c AT TIME ZONE %s) = x"  # noqa: S608
            " THEN c ELSE t0 END FROM"
            " (SELECT x, t0, u + (x - (u AT TIME ZONE %s)) AS c FROM"
            " (SELECT x, t0, t0 - interval '3 hours' AS u FROM"
            " (SELECT x, x AT TIME ZONE %s AS t0 FROM"
            f" (SELECT {local} AS x OFFSET 0) AS m1) AS m2) AS m3) AS m4)",
            (zone, zone, zone, *params),
        )

    def as_sqlite(self, compiler, connection, **extra):
        day, params = compiler.compile(self.source_expressions[0])
        zones: tuple[str | None, str | None] = (None, None)
        if settings.USE_TZ:
            zones = (timezone.get_current_timezone_name(), connection.timezone_name)
        return f"medhome_local_midnight({day}, {self.days}, %s, %s)", (*params, *zones)


@functools.cache
def _repeats_midnight(name: str) -> bool:
    """Whether a clock change in the zone repeats a local midnight between 1900 and 2100
    (Havana's each November; New York's never): looked for wherever the offset at noon changes
    from one day to the next, once per zone (~40 ms)."""
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):  # a fixed offset ("UTC+05:00")
        return False

    def offset(day: date, at: time, fold: int = 0) -> timedelta:
        return datetime.combine(day, at.replace(fold=fold), zone).utcoffset() or timedelta()

    day, noon = date(1900, 1, 1), time(12)
    at_noon = offset(day, noon)
    while day.year <= 2100:
        day += timedelta(days=1)
        before, at_noon = at_noon, offset(day, noon)
        # A repeated time has a smaller offset the second time (fold=1).
        if at_noon != before and offset(day, time.min, fold=1) < offset(day, time.min):
            return True
    return False


def as_text(field: str) -> Cast:
    """A JSON list column as its text, to test membership portably with `contains` ('"food"'):
    SQLite has no JSON containment lookup."""
    return Cast(field, output_field=TextField())


def well_visits(rules: dict, first: Q | None = None) -> QuerySet:
    """Completed well-child visits as W30/WCV count them, with their local `day`. `first` comes
    first in the WHERE clause: SQLite parses with a stack of fixed depth, and a subquery nested
    there takes less of it than after the other conditions (W30 nests 6)."""
    from medhome.visits.models import Visit

    return (
        Visit.objects.filter(first or Q())
        .filter(
            kind__in=rules["well_visit_kinds"],
            status=rules["well_visit_status"],
            modality__in=rules["counted_modalities"],
        )
        .annotate(day=local_day("starts_at"))
    )


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
