"""Set-based measure engine: one SQL query per measure, no per-child Python (the programs'
measures read the practices' few program rows first: program_measures.py).

How per-child dates are done portably (SQLite and PostgreSQL):

1. The denominator is a birth-date interval. anchors.births_anchored_in() computes in Python the
   dates of birth whose anchor (15-month birthday, Nth birthday…) falls in the period; the
   anchor is non-decreasing in the date of birth, so it is one interval (29 Feb and month-end
   clamping included; a test checks it by brute force).
2. Each child's window bounds are (date of birth + an offset in days). Over the interval the
   offset takes only a few values (it changes around 29 Feb), so the bounds are a CASE over a
   few date-of-birth runs, each `CAST(date_of_birth + n days AS date)` — not one WHEN per day.
3. The numerator is a condition per row. Where the set it tests is small enough for
   PostgreSQL to hash (DEV-CH), an uncorrelated `pk IN (subquery)` whose per-child bounds come
   from the child joined inside it: run once, not once per row. A large set (WCV: most
   children) would not be hashed (a plain `IN` rescans the subquery per row), so WCV keeps a
   correlated EXISTS, served by the (child, starts_at) index through the period's bounds on
   starts_at (sql.local_days). W30 needs k visits on different local days at least
   `w30_min_days_between_visits` apart, counted greedily as the reference does: k - 1 nested
   scalar subqueries, each the child's first visit from a bound on starts_at (the first moment
   of the window's first day, then of the day counted before + spacing: sql.LocalMidnight)
   returning the next bound, then an EXISTS for the kth. Each reads one entry of the
   (child, starts_at) index, so a child costs k probes, on both databases. (A first version
   nested "next visit" subqueries bounded on the visits' converted day, which no index serves:
   SQLite re-evaluated them per inner row, exponential in k — 560 s on 300 children.)

Every measure is first a *membership*: a lazy queryset whose rows are the denominator's units
(a child, or a visit or referral for the per-visit and per-referral measures), each annotated
`in_numerator` and `member_child_id`. compute() reads it with one values_list() query; the
stratification (measures.strata) groups the same queryset in SQL, so the children behind a
figure and the figure itself always come from the same query.

The builders live here (W30, WCV, DEV-CH), in screening_measures.py (caregiver depression,
autism, social needs) and referral_measures.py (loop closure, with a duration column whose
median compute() reports from the same query); the shared SQL pieces in sql.py.
"""

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from medhome.families.models import Child
from medhome.measures import (
    anchors,
    attribution,
    definitions,
    followup_measures,
    program_measures,
    referral_measures,
    screening_measures,
    sql,
)
from medhome.referrals import loop
from medhome.screening.models import Administration

WCV_BANDS = {"wcv": (3, 21), "wcv_3_11": (3, 11), "wcv_12_17": (12, 17), "wcv_18_21": (18, 21)}
DEV_YEARS = {"dev_1": (1,), "dev_2": (2,), "dev_3": (3,), "dev": (1, 2, 3)}


@dataclass(frozen=True)
class Membership:
    """Rows = the denominator's units, annotated `in_numerator` (bool) and `member_child_id`.
    `child_path` is the lookup prefix from a row to its child ("" when rows are children)."""

    measure_key: str
    queryset: QuerySet
    child_path: str = ""
    # An annotation (a duration) on the rows whose median over the numerator's rows compute()
    # reports as median_days (referral_measures.MEDIAN_FIELDS), read in the same query.
    median_field: str | None = None


@dataclass(frozen=True)
class MeasureResult:
    measure_key: str
    numerator_ids: list = field(default_factory=list)
    denominator_ids: list = field(default_factory=list)
    simplifications: list[str] = field(default_factory=list)

    @property
    def numerator(self) -> int:
        return len(self.numerator_ids)

    @property
    def denominator(self) -> int:
        return len(self.denominator_ids)

    median_days: float | None = None

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


# Shared SQL helpers (sql.py); the old private names stay for this module's builders.
_shift = sql.shift
_per_child = sql.per_child
_well_visits = sql.well_visits
flagged = sql.flagged


def _children(practices, births: list[date]) -> QuerySet:
    if not births:
        return Child.objects.none()
    return Child.objects.filter(
        practice__in=practices, date_of_birth__range=(births[0], births[-1])
    )


def _w30(anchoring: anchors.Anchoring, visits_needed: int, rules, practices, start, end):
    anchoring = _memoized(anchoring)
    births = anchors.births_anchored_in(anchoring.anchor, start, end)
    children = _children(practices, births)
    if not births:
        return children
    assert anchoring.enrollment is not None
    children = attribution.continuously_enrolled(
        children,
        births,
        enrollment=anchoring.enrollment,
        anchor=anchoring.anchor,
        gap_days=int(rules["enrollment_gap_days"]),
        probe=True,
    )
    spacing = max(1, int(rules["w30_min_days_between_visits"]))
    children = children.alias(
        w30_first=_per_child(births, lambda dob: anchoring.window(dob)[0]),
        w30_last=_per_child(births, lambda dob: anchoring.window(dob)[1]),
    )

    def in_window(from_day) -> QuerySet:
        """The child's visits from the moment `from_day` (a local day's first) to the end of the
        window's last day: one range of the (child, starts_at) index."""
        return _well_visits(rules, Q(starts_at__gte=from_day)).filter(
            child=OuterRef("pk"),
            starts_at__lt=sql.LocalMidnight(OuterRef("w30_last"), days=1),
        )

    # The reference's greedy count: the window's first day, then each time the first day at
    # least `spacing` after the last one counted. Each step is a scalar subquery reading one
    # index entry, from the bound the step before returned, and returning the next bound; the
    # child is in the numerator when a visit follows the (visits_needed - 1)th day counted.
    children = children.alias(w30_from_1=sql.LocalMidnight("w30_first"))
    for step in range(1, visits_needed):
        counted = in_window(OuterRef(f"w30_from_{step}")).order_by("starts_at")
        then = counted.annotate(then=sql.LocalMidnight("day", days=spacing)).values("then")[:1]
        children = children.alias(**{f"w30_from_{step + 1}": Subquery(then)})
    return flagged(children, Exists(in_window(OuterRef(f"w30_from_{visits_needed}"))))


def _memoized(anchoring: anchors.Anchoring) -> anchors.Anchoring:
    """The same functions, each date of birth computed once: W30 asks for each one's anchor and
    window up to 4 times (the births, then a bound per run of them), and rate 2's enrollment
    period is its window."""
    cached: dict = {}

    def once(function):
        if function is not None and function not in cached:
            cached[function] = functools.cache(function)
        return cached.get(function)

    return anchors.Anchoring(
        once(anchoring.anchor), once(anchoring.window), once(anchoring.enrollment)
    )


def wcv_births(key: str, end: date) -> tuple[date, date]:
    """The first and last date of birth of the key's age band (age on 31 Dec of end's year)."""
    low, high = WCV_BANDS[key]
    december = date(end.year, 12, 31)
    # Age `a` on 31 Dec <=> born in (31 Dec - (a+1) years, 31 Dec - a years].
    youngest = anchors.birthday(december, -low)
    oldest = anchors.birthday(december, -(high + 1)) + timedelta(days=1)
    return oldest, youngest


def _wcv(key: str, rules, practices, start: date, end: date):
    children = attribution.enrolled_between(
        Child.objects.filter(practice__in=practices, date_of_birth__range=wcv_births(key, end)),
        start,
        end,
        gap_days=int(rules["enrollment_gap_days"]),
    )
    # Correlated, but each probe is a range of the (child, starts_at) index thanks to the
    # sargable bound: the numerator is too large a set for PostgreSQL to hash `pk IN (…)`.
    visit = _well_visits(rules).filter(
        sql.local_days("starts_at", start, end), child=OuterRef("pk")
    )
    return flagged(children, Exists(visit))


def _dev(key: str, rules, practices, start: date, end: date):
    keys = definitions.dev_instrument_keys(rules)
    births_filter, screened_in_window = Q(), Q()
    anchoring_of: dict[date, anchors.Anchoring] = {}  # date of birth -> its birthday's
    for years in DEV_YEARS[key]:
        anchoring = anchors.dev(years)
        births = dev_births(years, start, end)
        if not births:
            continue
        anchoring_of.update(dict.fromkeys(births, anchoring))
        births_filter |= Q(date_of_birth__range=(births[0], births[-1]))
        field = "child__date_of_birth"
        screened_in_window |= Q(
            child__date_of_birth__range=(births[0], births[-1]),
            administered_on__gte=_per_child(
                births, lambda dob, a=anchoring: a.window(dob)[0], field=field
            ),
            administered_on__lte=_per_child(
                births, lambda dob, a=anchoring: a.window(dob)[1], field=field
            ),
        )
    if not births_filter:
        return Child.objects.none()
    children = attribution.continuously_enrolled(
        Child.objects.filter(births_filter, practice__in=practices),
        sorted(anchoring_of),
        enrollment=lambda dob: anchoring_of[dob].enrollment(dob),  # type: ignore[misc]
        anchor=lambda dob: anchoring_of[dob].anchor(dob),
        gap_days=int(rules["enrollment_gap_days"]),
        probe=True,
    )
    # Uncorrelated: the children screened in their window, each window from the joined child's
    # date of birth; PostgreSQL runs it once and hashes it.
    screened = Administration.objects.filter(
        screened_in_window,
        child__practice__in=practices,
        status=rules["dev_administration_status"],
        instrument_key__in=keys,
    ).values("child_id")
    return flagged(children, Q(pk__in=screened))


def dev_births(years: int, start: date, end: date) -> list[date]:
    """The dates of birth whose `years`th birthday falls in the period, ascending."""
    return anchors.births_anchored_in(anchors.dev(years).anchor, start, end)


def membership(measure_key: str, *, practices, period_start: date, period_end: date) -> Membership:
    """`practices`: Practice instances, ids or a queryset. Period bounds are inclusive days."""
    definitions.get(measure_key)  # KeyError for an unknown measure
    rules = definitions.rules()
    builder = BUILDERS[measure_key]
    queryset, child_path = builder(measure_key, rules, practices, period_start, period_end)
    median_field = referral_measures.MEDIAN_FIELDS.get(measure_key)
    return Membership(measure_key, queryset, child_path, median_field)


def _w30_1(key, rules, practices, start, end):
    return _w30(anchors.w30_1(), 6, rules, practices, start, end), ""


def _w30_2(key, rules, practices, start, end):
    anchoring = anchors.w30_2(rules["w30_30_month_days_after_2nd_birthday"])
    return _w30(anchoring, 2, rules, practices, start, end), ""


BUILDERS = {
    "w30_1": _w30_1,
    "w30_2": _w30_2,
    **{key: lambda *a: (_wcv(*a), "") for key in WCV_BANDS},
    **{key: lambda *a: (_dev(*a), "") for key in DEV_YEARS},
    **screening_measures.BUILDERS,
    **referral_measures.BUILDERS,
    **followup_measures.BUILDERS,
    **program_measures.BUILDERS,
}


def compute(measure_key: str, *, practices, period_start: date, period_end: date) -> MeasureResult:
    """The children (or units) in the numerator and the denominator: one query."""
    member = membership(
        measure_key, practices=practices, period_start=period_start, period_end=period_end
    )
    fields = ["pk", "in_numerator"]
    if member.median_field:
        fields.append(member.median_field)
    if not member.queryset.query.is_empty():
        # No ORDER BY: PostgreSQL would walk the whole primary key index for it.
        rows = list(member.queryset.order_by().values_list(*fields))
    else:
        rows = []
    return MeasureResult(
        measure_key=measure_key,
        numerator_ids=[row[0] for row in rows if row[1]],
        denominator_ids=[row[0] for row in rows],
        simplifications=list(definitions.get(measure_key).simplifications),
        median_days=median_days([row[2] for row in rows if row[1]])
        if member.median_field
        else None,
    )


def median_days(durations: list) -> float | None:
    """Median of timedeltas in days with fractions, rounded to 0.1: referrals/loop.py's, as the
    referral figures."""
    return loop.median_days(durations)
