"""Several measures from one query, for whoever needs many measures of one period at once
(measures.figures.all_figures, the dashboard and reports; compute_all for ids).

Related measures share their units and most of their SQL: the WCV age bands are the WCV
children split by date of birth, DEV-CH's total is the union of its three birthdays, the
caregiver-depression visits are the union of the 1-, 2-, 4- and 6-month visits (a child's
windows do not overlap), the autism rates share one pass over the children with an 18- or
24-month birthday, the three social-needs screening rates share their denominator (any
completed visit in the period: the costly part), the follow-up rates share it too, and the
loop-closure rates are the same referrals by state. A batch is one queryset whose rows are the
union of its measures' units, with a few columns that decide, for each measure, whether a row
is a unit and whether it is in the numerator. Counts come from one GROUP BY over those columns
(a handful of groups), ids from one pass over the rows.

Each batch is built from the same pieces as the measures one by one (engine.py,
screening_measures.py, referral_measures.py), and tests check that every batch gives each
measure exactly what compute() gives it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import BooleanField, Case, CharField, Count, F, Q, QuerySet, Value, When

from medhome.measures import (
    definitions,
    engine,
    followup_measures,
    program_measures,
    referral_measures,
    screening_measures,
)
from medhome.measures.sql import flagged

Row = dict
Decide = Callable[[Row], tuple[bool, bool]]  # row -> (a unit of the measure, in its numerator)


@dataclass(frozen=True)
class Batch:
    queryset: QuerySet  # rows: the union of the measures' units
    columns: tuple[str, ...]  # the annotations `decide` reads
    decide: dict[str, Decide]  # measure key -> its decision on a row
    # measure key -> (a duration annotation, the boolean column of the key's numerator): the
    # median days over the numerator's rows (referral_measures.MEDIAN_FIELDS)
    median: dict[str, tuple[str, str]]
    unit: str = "pk"  # the field of a row that is the unit's id
    # The queryset is already grouped into one row per unit (its columns aggregates): counting
    # groups its rows again, which Django cannot express over aggregates (see _grouped_counts).
    grouped: bool = False

    def __post_init__(self) -> None:
        if self.grouped and self.median:  # counts() reads a grouped batch's columns alone
            raise ValueError("a grouped batch has no median")


def flag(condition) -> Case:
    return Case(When(condition, then=True), default=False, output_field=BooleanField())


def _part(whens: list[When]) -> Case:
    return Case(*whens, default=Value(""), output_field=CharField())


def _numerator(part: str | None = None) -> Decide:
    """All rows (or those of one part) are units; in_numerator decides."""
    return _in_parts(None if part is None else (part,))


def _in_parts(parts: tuple[str, ...] | None) -> Decide:
    def decide(row: Row) -> tuple[bool, bool]:
        return parts is None or row["part"] in parts, bool(row["in_numerator"])

    return decide


def _columns(numerator: str, unit: str | None = None) -> Decide:
    """Units: every row (or those whose boolean column `unit` is true); numerator: a column."""

    def decide(row: Row) -> tuple[bool, bool]:
        return unit is None or bool(row[unit]), bool(row[numerator])

    return decide


def _wcv(rules, practices, start: date, end: date) -> Batch:
    children = engine.BUILDERS["wcv"]("wcv", rules, practices, start, end)[0]
    bands = [key for key in engine.WCV_BANDS if key != "wcv"]
    whens = [
        When(date_of_birth__range=engine.wcv_births(key, end), then=Value(key)) for key in bands
    ]
    decide = {"wcv": _numerator(), **{key: _numerator(key) for key in bands}}
    return Batch(children.annotate(part=_part(whens)), ("part", "in_numerator"), decide, {})


def _dev(rules, practices, start: date, end: date) -> Batch:
    children = engine.BUILDERS["dev"]("dev", rules, practices, start, end)[0]
    whens, decide = [], {"dev": _numerator()}
    for key, (years,) in ((k, y) for k, y in engine.DEV_YEARS.items() if k != "dev"):
        births = engine.dev_births(years, start, end)
        if births:
            whens.append(When(date_of_birth__range=(births[0], births[-1]), then=Value(key)))
        decide[key] = _numerator(key)
    return Batch(children.annotate(part=_part(whens)), ("part", "in_numerator"), decide, {})


def _cdep(rules, practices, start: date, end: date) -> Batch:
    every = screening_measures.CDEP_VISITS["cdep_visits"]
    visits, parts = screening_measures.cdep_parts(every, rules, practices, start, end)
    whens = [When(part.in_window, then=Value(part.visit_key)) for part in parts]
    decide: dict[str, Decide] = {}
    for key, visit_keys in screening_measures.CDEP_VISITS.items():
        decide[key] = _in_parts(visit_keys)
    if parts:
        visits = flagged(visits, Q(*[p.screened for p in parts], _connector=Q.OR), "child_id")
    return Batch(visits.annotate(part=_part(whens)), ("part", "in_numerator"), decide, {})


def _asd(rules, practices, start: date, end: date) -> Batch:
    every = screening_measures.ASD_VISITS["asd"]
    children, parts = screening_measures.asd_parts(every, rules, practices, start, end)
    columns = {}
    for part in parts:
        columns[f"in_{part.visit_key}"] = flag(part.in_range)
        # Read only where in_<visit> holds (decide): the range and its panel probe once a row.
        columns[f"met_{part.visit_key}"] = flag(part.screened)
    found = {part.visit_key for part in parts}

    def decide_for(visit_keys) -> Decide:
        keys = [v for v in visit_keys if v in found]

        def decide(row: Row) -> tuple[bool, bool]:
            reached = [v for v in keys if row[f"in_{v}"]]
            return bool(reached), all(row[f"met_{v}"] for v in reached)

        return decide

    decide = {key: decide_for(v) for key, v in screening_measures.ASD_VISITS.items()}
    return Batch(children.annotate(**columns), tuple(columns), decide, {})


def _sns_screens(rules, practices, start: date, end: date) -> Batch:
    """Domains screened by the same instruments (housing and transportation: the AHC HRSN
    alone) share one column: the same subquery twice cost a second scan of the screens."""
    columns, decide = {}, {}
    for short, domain in screening_measures.SNS_DOMAINS.items():
        instruments = sorted(definitions.sns_instruments_for(domain, rules))
        column = "screened_" + "_".join(instruments)
        if column not in columns:
            columns[column] = flag(screening_measures.sns_screened(rules, domain, start, end))
        decide[f"sns_{short}_screen"] = _columns(column)
    children = screening_measures.sns_children(practices, start, end).annotate(**columns)
    return Batch(children, tuple(columns), decide, {})


def _sns_followups(rules, practices, start: date, end: date) -> Batch:
    children, columns = screening_measures.sns_followup_screens(rules, practices, start, end)
    decide = {
        f"sns_{short}_followup": _columns(f"followed_{short}", f"positive_{short}")
        for short in screening_measures.SNS_DOMAINS
    }
    return Batch(children, columns, decide, {}, unit="child_id", grouped=True)


def _referrals(rules, practices, start: date, end: date) -> Batch:
    referrals = referral_measures.with_days_to_close(
        referral_measures.sent_referrals(rules, practices, start, end)
    )
    columns = {f"closed_{key}": flag(referral_measures.closed_as(key, end)) for key in _REF_KEYS}
    decide = {key: _columns(f"closed_{key}") for key in _REF_KEYS}
    median = {key: (f, f"closed_{key}") for key, f in referral_measures.MEDIAN_FIELDS.items()}
    return Batch(referrals.annotate(**columns), tuple(columns), decide, median)


def _followed_up(rules, practices, start: date, end: date) -> Batch:
    """Every kind's positive screens at once; a row's part is its kind."""
    total = followup_measures.KINDS["psf"]
    screens = flagged(
        followup_measures.positive_screens(rules, total, practices, start, end),
        followup_measures.followed_in_time(rules),
        "child_id",
    )
    decide = {
        key: _in_parts(None if key == "psf" else kinds)
        for key, kinds in followup_measures.KINDS.items()
    }
    return Batch(screens.annotate(part=F("kind")), ("part", "in_numerator"), decide, {})


def _never(row: Row) -> tuple[bool, bool]:
    return False, False


def _programs(rules, practices, start: date, end: date) -> Batch:
    """Every program's reach and offer over one pass of the panel's children: a row is a unit
    of a program's measures when the child is within its ages (column elig_<program>); a
    program no practice runs has no units."""
    ranges = program_measures.eligibility(practices, start, end)
    columns: dict = {}
    decide: dict[str, Decide] = {}
    eligible_any = []
    for key in program_measures.REACH_KEYS:
        short, what = program_measures.split(key)
        eligible = ranges.get(program_measures.PROGRAMS[short])
        if eligible is None:
            decide[key] = _never
            continue
        if f"elig_{short}" not in columns:
            columns[f"elig_{short}"] = flag(eligible)
            eligible_any.append(eligible)
        condition = (
            program_measures.reached(short, start, end)
            if what == "reach"
            else program_measures.offered(short, end)
        )
        columns[f"met_{key}"] = flag(Q(eligible) & Q(condition))
        decide[key] = _columns(f"met_{key}", f"elig_{short}")
    children = program_measures.panel_children(practices, start, end)
    if not eligible_any:
        return Batch(children.none(), (), decide, {})
    return Batch(
        children.filter(Q(*eligible_any, _connector=Q.OR)).annotate(**columns),
        tuple(columns),
        decide,
        {},
    )


_REF_KEYS = tuple(referral_measures.STATES)
# name -> (its measures, builder)
BATCHES: dict[str, tuple[tuple[str, ...], Callable[..., Batch]]] = {
    "wcv": (tuple(engine.WCV_BANDS), _wcv),
    "dev": (tuple(engine.DEV_YEARS), _dev),
    "cdep": (tuple(k for k in screening_measures.CDEP_VISITS), _cdep),
    "asd": (tuple(screening_measures.ASD_VISITS), _asd),
    "sns_screen": (tuple(f"sns_{s}_screen" for s in screening_measures.SNS_DOMAINS), _sns_screens),
    "sns_followup": (
        tuple(f"sns_{s}_followup" for s in screening_measures.SNS_DOMAINS),
        _sns_followups,
    ),
    "referrals": (_REF_KEYS, _referrals),
    "followed_up": (tuple(followup_measures.KINDS), _followed_up),
    "programs": (program_measures.REACH_KEYS, _programs),
}


@dataclass(frozen=True)
class Task:
    """One query's worth of measures: a batch (name) or a single measure (name None)."""

    keys: tuple[str, ...]
    batch: str | None = None


def plan(keys: Iterable[str]) -> list[Task]:
    """Batches for the groups of which at least two measures are asked, single measures for the
    rest; every key once."""
    keys = list(dict.fromkeys(keys))
    tasks: list[Task] = []
    batched: set[str] = set()
    for name, (members, _builder) in BATCHES.items():
        wanted = tuple(key for key in keys if key in members)
        if len(wanted) >= 2:
            tasks.append(Task(wanted, name))
            batched.update(wanted)
    tasks += [Task((key,)) for key in keys if key not in batched]
    return tasks


def build(name: str, *, practices, period_start: date, period_end: date) -> Batch:
    return BATCHES[name][1](definitions.rules(), practices, period_start, period_end)


def counts(batch: Batch, keys: Iterable[str]) -> dict[str, tuple[int, int, list]]:
    """{key: (numerator, denominator, durations of the numerator's rows for a median)}: one
    GROUP BY query. A key with a median groups its numerator's rows by their duration too (the
    other rows stay in the handful of groups), so the durations come from the same pass rather
    than from a second query that filters every unit again (loop closure: 2.6x the hand-written
    SQL with it, bench/measures_vs_sql.py)."""
    keys = list(keys)
    # key -> a column holding the duration on its numerator's rows, NULL on the others
    medians = {key: f"median_{key}" for key in keys if key in batch.median}
    spans = {
        column: Case(When(**{batch.median[key][1]: True}, then=F(batch.median[key][0])))
        for key, column in medians.items()
    }
    if batch.queryset.query.is_empty():
        groups = []
    elif batch.grouped:
        groups = _grouped_counts(batch.queryset, batch.columns)
    else:
        groups = list(
            batch.queryset.annotate(**spans)
            .order_by()
            .values(*batch.columns, *spans)
            .annotate(rows=Count("pk"))
        )
    found = {}
    for key in keys:
        numerator = denominator = 0
        durations: list = []
        for group in groups:
            unit, met = batch.decide[key](group)
            if unit:
                denominator += group["rows"]
                numerator += group["rows"] if met else 0
            if key in medians and group[medians[key]] is not None:
                durations += [group[medians[key]]] * group["rows"]
        found[key] = (numerator, denominator, durations)
    return found


def _grouped_counts(queryset: QuerySet, columns: tuple[str, ...]) -> list[Row]:
    """[{column: value…, "rows": n}]: the grouped queryset's rows counted by their columns, one
    statement (its SQL wrapped in an outer GROUP BY)."""
    inner, params = queryset.values(*columns).query.sql_with_params()
    connection = connections[queryset.db]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quoted}, COUNT(*) FROM ({inner}) units GROUP BY {quoted}",  # noqa: S608
            params,
        )
        return [dict(zip((*columns, "rows"), row, strict=True)) for row in cursor.fetchall()]


def ids(batch: Batch, keys: Iterable[str]) -> dict[str, tuple[list, list, list]]:
    """{key: (numerator ids, denominator ids, numerator durations)}: one query."""
    keys = list(keys)
    medians = sorted({batch.median[key][0] for key in keys if key in batch.median})
    fields = (batch.unit, *batch.columns, *medians)
    rows = (
        list(batch.queryset.order_by().values(*fields))
        if not batch.queryset.query.is_empty()
        else []
    )
    found = {}
    for key in keys:
        numerator, denominator, durations = [], [], []
        decide, median = batch.decide[key], batch.median.get(key, (None, None))[0]
        for row in rows:
            unit, met = decide(row)
            if unit:
                denominator.append(row[batch.unit])
                if met:
                    numerator.append(row[batch.unit])
                    if median:
                        durations.append(row[median])
        found[key] = (numerator, denominator, durations)
    return found


def compute_all(keys, *, practices, period_start: date, period_end: date) -> dict:
    """{key: engine.MeasureResult} for every key, in the order given: one query per task of
    plan(), the ids and medians as compute() gives them."""
    keys = list(dict.fromkeys(keys))
    results = {}
    for task in plan(keys):
        if task.batch is None:
            key = task.keys[0]
            results[key] = engine.compute(
                key, practices=practices, period_start=period_start, period_end=period_end
            )
            continue
        batch = build(
            task.batch, practices=practices, period_start=period_start, period_end=period_end
        )
        for key, (numerator, denominator, durations) in ids(batch, task.keys).items():
            results[key] = engine.MeasureResult(
                measure_key=key,
                numerator_ids=numerator,
                denominator_ids=denominator,
                simplifications=list(definitions.get(key).simplifications),
                median_days=engine.median_days(durations) if key in batch.median else None,
            )
    return {key: results[key] for key in keys}
