"""Set-based measure engine: one SQL query per measure, no per-child Python.

How per-child dates are done portably (SQLite and PostgreSQL):

1. The denominator is a birth-date interval. anchors.births_anchored_in() computes in Python the
   dates of birth whose anchor (15-month birthday, Nth birthday…) falls in the period; the
   anchor is non-decreasing in the date of birth, so it is one interval (29 Feb and month-end
   clamping included; a test checks it by brute force).
2. Each child's window bounds are (date of birth + an offset in days). Over the interval the
   offset takes only a few values (it changes around 29 Feb), so the bounds are a CASE over a
   few date-of-birth runs, each `CAST(date_of_birth + n days AS date)` — not one WHEN per day.
3. The numerator is a correlated EXISTS per child. W30 needs k visits on different dates at
   least `w30_min_days_between_visits` apart: k nested EXISTS, the outer one a visit in the
   window, each inner one an earlier visit of the same child at least `spacing` days before
   the visit above it, the innermost not before the window opens. A chain of k exists exactly
   when the reference's greedy count reaches k. (A first version nested scalar "next visit"
   subqueries; SQLite re-evaluates those per inner row, exponential in k — 560 s on 300
   children. Nested EXISTS only walk decreasing chains of the few visits in the window.)

Every measure is first a *membership*: a lazy queryset whose rows are the denominator's units
(a child, or a visit or referral for the per-visit and per-referral measures), each annotated
`in_numerator` and `member_child_id`. compute() reads it with one values_list() query; the
stratification (measures.strata) groups the same queryset in SQL, so the children behind a
figure and the figure itself always come from the same query.

The builders live here (W30, WCV, DEV-CH), in screening_measures.py (caregiver depression,
autism, social needs) and referral_measures.py (loop closure, with a duration column whose
median compute() reports from the same query); the shared SQL pieces in sql.py.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import DateField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, TruncDate

from medhome.families.models import Child
from medhome.measures import anchors, definitions, referral_measures, screening_measures, sql
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
    births = anchors.births_anchored_in(anchoring.anchor, start, end)
    children = _children(practices, births)
    if not births:
        return children
    children = children.annotate(
        w_first=_per_child(births, lambda dob: anchoring.window(dob)[0]),
        w_last=_per_child(births, lambda dob: anchoring.window(dob)[1]),
    )
    spacing = max(1, int(rules["w30_min_days_between_visits"]))
    visits = _well_visits(rules)
    if spacing > 1:
        visits = visits.annotate(
            latest_previous=Cast(
                TruncDate("starts_at") - Value(timedelta(days=spacing)), output_field=DateField()
            )
        )
    # A chain of `visits_needed` visits, latest first, each at least `spacing` days after the
    # one below it: nested EXISTS, each level looking only at earlier visits of the same
    # child, so the work is bounded by the (few) visits in the window. The longest such chain
    # is what the greedy count of the reference finds.
    level = None
    for depth in range(1, visits_needed + 1):
        if depth == visits_needed:  # the latest visit: correlated to the child
            candidates = visits.filter(
                child=OuterRef("pk"), day__gte=OuterRef("w_first"), day__lte=OuterRef("w_last")
            )
        else:  # an earlier visit of the same child, spaced from the visit above it
            previous = (
                Q(day__lte=OuterRef("latest_previous"))
                if spacing > 1
                else Q(day__lt=OuterRef("day"))
            )
            candidates = visits.filter(previous, child_id=OuterRef("child_id"))
            if depth == 1:  # the earliest visit: not before the window opens
                candidates = candidates.filter(
                    day__gte=_per_child(
                        births,
                        lambda dob: anchoring.window(dob)[0],
                        field="child__date_of_birth",
                    )
                )
        if level is not None:
            candidates = candidates.filter(Exists(level))
        level = candidates
    assert level is not None  # at least one visit is needed
    return flagged(children, Exists(level))


def _wcv(key: str, rules, practices, start: date, end: date):
    low, high = WCV_BANDS[key]
    december = date(end.year, 12, 31)
    # Age `a` on 31 Dec <=> born in (31 Dec - (a+1) years, 31 Dec - a years].
    youngest = anchors.birthday(december, -low)
    oldest = anchors.birthday(december, -(high + 1)) + timedelta(days=1)
    children = Child.objects.filter(practice__in=practices, date_of_birth__range=(oldest, youngest))
    visit = _well_visits(rules).filter(child=OuterRef("pk"), day__gte=start, day__lte=end)
    return flagged(children, Exists(visit))


def _dev(key: str, rules, practices, start: date, end: date):
    keys = definitions.dev_instrument_keys(rules)
    condition = Q()
    births_filter = Q()
    annotations = {}
    for years in DEV_YEARS[key]:
        anchoring = anchors.dev(years)
        births = anchors.births_anchored_in(anchoring.anchor, start, end)
        if not births:
            continue
        in_range = Q(date_of_birth__range=(births[0], births[-1]))
        births_filter |= in_range
        first, last = f"first_{years}", f"last_{years}"
        annotations[first] = _per_child(births, lambda dob, a=anchoring: a.window(dob)[0])
        annotations[last] = _per_child(births, lambda dob, a=anchoring: a.window(dob)[1])
        screened = Administration.objects.filter(
            child=OuterRef("pk"),
            status=rules["dev_administration_status"],
            instrument_key__in=keys,
            administered_on__gte=OuterRef(first),
            administered_on__lte=OuterRef(last),
        )
        condition |= in_range & Q(Exists(screened))
    if not annotations:
        return Child.objects.none()
    children = Child.objects.filter(births_filter, practice__in=practices).annotate(**annotations)
    return flagged(children, condition)


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
        rows = list(member.queryset.order_by("pk").values_list(*fields))
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
    """Median of timedeltas in days with fractions, rounded to 0.1 (as referrals' figures)."""
    values = [d.total_seconds() / 86400 for d in durations if d is not None]
    return round(statistics.median(values), 1) if values else None
