"""Benchmark (issue 21): each query of all_figures against a hand-written PostgreSQL statement.

    MEDHOME_ENV=bench .venv/bin/python bench/measures.py --children 100000 --db postgres --keep
    MEDHOME_ENV=bench .venv/bin/python bench/measures_vs_sql.py --reuse <kept database>

For every task of medhome.measures.batches.plan(MEASURES) — a batch of related measures, or one
measure — it runs the engine's counts exactly as measures.figures.all_figures does (one GROUP BY
per batch, figures._run) and the statement of bench/measures_sql/<task>.sql, each after one
warm-up, best of --runs; checks that both give every measure the same numerator, denominator
and (loop closure) median days, and fails loudly if not; then prints one row per task with the
ratio engine / hand SQL and whether it is within issue 21's 1.2×.

The hand statements return rows (measure, numerator, denominator, median_days). Their
parameters, computed within each timed run as the engine computes its own: the practices, the
period's days and its first and last local moments, the time zone, the measure rules' lists
(instruments, needs) and day counts, and — where a measure's dates hang on a child's date of
birth — a small table of the dates of birth in play with their windows, anchors and enrollment
bounds, as JSON. Those dates come from the same functions the engine and the per-child
reference use (measures.anchors, measures.visit_windows: the periodicity schedule); re-deriving
the schedule in SQL would be a second copy of it, not a faster query.
Synthetic data only; PostgreSQL only.
"""

import argparse
import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

import common

SQL_DIR = Path(__file__).resolve().parent / "measures_sql"
TARGET = 1.2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", required=True, help="a PostgreSQL database kept by measures.py")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (best is kept)")
    parser.add_argument("--year", type=int, default=2025, help="the measurement year")
    parser.add_argument("--seed", type=int, default=1, help="the seed measures.py built with")
    parser.add_argument(
        "--per-practice", action="store_true", help="one practice's figures (the largest)"
    )
    parser.add_argument("--only", nargs="*", default=[], help="these tasks only (e.g. cdep)")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each hand statement"
    )
    parser.add_argument(
        "--explain-engine", action="store_true", help="print EXPLAIN ANALYZE of the engine's SQL"
    )
    return parser.parse_args()


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in a log
    args = parse_args()
    common.existing_database("postgres", args.reuse)
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: the hand-written statements use its dialect")
    try:
        return bench(args)
    finally:
        connection.close()


def practice_ids(args: argparse.Namespace) -> list:
    from django.db.models import Count

    from medhome.families.models import Child
    from medhome.practices.models import Practice

    network = f"Measures bench (seed {args.seed})"
    found = list(Practice.objects.filter(network__name=network).values_list("pk", flat=True))
    if not found:
        raise SystemExit(f"no practices of {network!r} in {args.reuse}")
    if not args.per_practice:
        return found
    sizes = (
        Child.objects.filter(practice_id__in=found)
        .values("practice_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [sizes[0]["practice_id"]]


def bench(args: argparse.Namespace) -> int:
    from django.db import connection

    from medhome.measures import batches
    from medhome.measures.definitions import MEASURES

    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    practices = practice_ids(args)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"measures engine against hand-written SQL: {args.reuse}, {len(practices)} practice(s), "
        f"period {start}..{end}, best of {args.runs} after a warm-up"
    )
    print(f"PostgreSQL {version}, {os.cpu_count()} CPUs, load {_load()}")
    rows, problems = [], []
    for task in batches.plan(MEASURES):
        name = task.batch or task.keys[0]
        if args.only and name not in args.only:
            continue
        sql = (SQL_DIR / f"{name}.sql").read_text()
        if args.explain:
            explain(f"{name}.sql", sql, parameters(sql, practices, start, end))
        if args.explain_engine:
            explain_engine(task, practices, start, end)
        load = _load()
        (engine_seconds, engine_counts), (hand_seconds, hand_counts) = best_of(
            args.runs,
            lambda task=task: engine_figures(task, practices, start, end),
            lambda sql=sql: hand_figures(sql, parameters(sql, practices, start, end)),
        )
        for key in task.keys:
            hand = hand_counts.get(key, NO_UNITS)
            if engine_counts[key] != hand:
                problems.append(f"{name}: {key} engine {engine_counts[key]}, hand SQL {hand}")
        extra = set(hand_counts) - set(task.keys)
        if extra:
            problems.append(f"{name}: the hand SQL answers for {sorted(extra)} too")
        rows.append((name, task.keys, engine_seconds, hand_seconds, load))
        print(f"  {name:<20} done: engine {engine_seconds:.3f} s, hand {hand_seconds:.3f} s")
    print_table(rows, engine_counts_checked=not problems)
    for problem in problems:
        print("MISMATCH:", problem)
    if problems:
        print("FAIL: the engine and the hand-written SQL disagree")
        return 1
    print(f"OK: identical counts for every measure of {len(rows)} tasks")
    return 0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def best_of(runs: int, *contenders: Callable[[], dict]) -> list[tuple[float, dict]]:
    """For each contender, one warm-up, then the fastest of `runs` and the answer of the last
    run. The contenders take turns, so a neighbour's burst of work on the shared cores falls on
    both rather than on whichever ran then."""
    answers = [run() for run in contenders]
    times: list[list[float]] = [[] for _ in contenders]
    for _ in range(runs):
        for index, run in enumerate(contenders):
            started = perf_counter()
            answers[index] = run()
            times[index].append(perf_counter() - started)
    return [(min(spent), answer) for spent, answer in zip(times, answers, strict=True)]


Counts = tuple[int, int, float | None]  # numerator, denominator, median days


def engine_figures(task, practices, start: date, end: date) -> dict[str, Counts]:
    """The task's figures exactly as all_figures computes them (figures._run)."""
    from medhome.measures import figures

    return {
        key: (cell.numerator, cell.denominator, cell.median_days)
        for key, cell in figures._run(task, practices, start, end).items()
    }


def hand_figures(sql: str, params: dict) -> dict[str, Counts]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {}
        for measure, numerator, denominator, median in cursor.fetchall():
            days = None if median is None else round(float(median), 1)
            found[measure] = (int(numerator), int(denominator), days)
    return found


NO_UNITS: Counts = (0, 0, None)  # a measure without a row in the hand SQL's answer


def explain(name: str, sql: str, params: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params or None)
        print(f"EXPLAIN ANALYZE of {name}:")
        for (line,) in cursor.fetchall():
            print(f"    {line}")


def explain_engine(task, practices, start: date, end: date) -> None:
    """EXPLAIN ANALYZE of each statement the engine runs for the task, as it ran it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        engine_figures(task, practices, start, end)
    for query in captured.captured_queries:
        explain(f"the engine's {task.batch or task.keys[0]}", query["sql"], {})


def parameters(sql: str, practices: list, start: date, end: date) -> dict:
    """The statement's parameters: the common ones, and the tables of dates of birth it reads
    (computed here, within its timed run, as the engine computes its own)."""
    from django.utils import timezone

    from medhome.measures import definitions
    from medhome.measures import referral_measures as ref

    rules = definitions.rules()
    zone = timezone.get_current_timezone()

    def first_moment(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone)

    gap = int(rules["enrollment_gap_days"])
    return {
        "practices": list(practices),
        "start": start,
        "end": end,
        "tz": str(zone),
        "start_at": first_moment(start),
        "end_at": first_moment(end + timedelta(days=1)),
        "wcv_joined_by": min(start + timedelta(days=gap), end),
        "ref_sent_before": first_moment(ref.last_sent_day(rules, start, end) + timedelta(days=1)),
        "sns_last": end - timedelta(days=int(rules["sns_screen_days_before_end"])),
        "psf_last": end - timedelta(days=int(rules["psf_days"])),
        "contact_last": end - timedelta(days=int(rules["program_contact_days"])),
        "psf_days": int(rules["psf_days"]),
        "sns_followup_days": int(rules["sns_followup_days"]),
        "contact_days": int(rules["program_contact_days"]),
        "w30_spacing": max(1, int(rules["w30_min_days_between_visits"])),
        **{
            f"{short}_needs": list(rules["sns_intervention_needs"].get(domain, ()))
            for short, domain in definitions.SNS_DOMAINS
        },
        "cdep_instruments": list(definitions.cdep_instrument_keys(rules)),
        "cdep_respondents": list(rules["cdep_respondents"]),
        "asd_instruments": list(definitions.asd_instrument_keys(rules)),
        "dev_instruments": list(definitions.dev_instrument_keys(rules)),
        "food_instruments": list(definitions.sns_instruments_for("food", rules)),
        "housing_instruments": list(definitions.sns_instruments_for("housing", rules)),
        "transport_instruments": list(definitions.sns_instruments_for("transportation", rules)),
        **birth_tables({name for name in BIRTHS if f"%({name}_births)s" in sql}, rules, start, end),
    }


def birth_tables(names: set[str], rules: dict, start: date, end: date) -> dict:
    """The dates of birth the named measures reach in the period, with their per-child dates, as
    JSON arrays of objects (jsonb_to_recordset in the statements), "<name>_births"; and their
    first and last, "<name>_born_from" and "<name>_born_to", a range the planner can estimate
    on the children's (practice, date of birth) index (it guesses 100 rows for a function)."""
    found: dict = {}
    for name in sorted(names):
        rows = BIRTHS[name](rules, start, end)
        found[f"{name}_births"] = json.dumps(rows, default=str)
        born = [row["dob"] for row in rows]
        found[f"{name}_born_from"] = min(born, default=end)
        found[f"{name}_born_to"] = max(born, default=start)
    return found


def _w30_births(key: str) -> Callable[[dict, date, date], list[dict]]:
    def rows(rules: dict, start: date, end: date) -> list[dict]:
        from medhome.measures import anchors

        anchoring = (
            anchors.w30_1()
            if key == "w30_1"
            else anchors.w30_2(rules["w30_30_month_days_after_2nd_birthday"])
        )
        return [
            _enrolled_row(anchoring, dob, rules)
            for dob in anchors.births_anchored_in(anchoring.anchor, start, end)
        ]

    return rows


def _enrolled_row(anchoring, dob: date, rules: dict, **extra) -> dict:  # type: ignore[no-untyped-def]
    from medhome.measures.attribution import enrolled_joined_by

    first, last = anchoring.window(dob)
    anchor = anchoring.anchor(dob)
    gap = int(rules["enrollment_gap_days"])
    joined_by = enrolled_joined_by(anchoring.enrollment(dob)[0], anchor, gap)
    return {
        "dob": dob,
        "first": first,
        "last": last,
        "joined_by": joined_by,
        "anchor": anchor,
        **extra,
    }


def _dev_births(rules: dict, start: date, end: date) -> list[dict]:
    from medhome.measures import anchors, engine

    return [
        _enrolled_row(anchors.dev(years), dob, rules, part=key)
        for key, (years,) in ((k, y) for k, y in engine.DEV_YEARS.items() if len(y) == 1)
        for dob in engine.dev_births(years, start, end)
    ]


def _cdep_births(rules: dict, start: date, end: date) -> list[dict]:
    from medhome.measures import screening_measures, visit_windows

    rows = []
    for visit_key in screening_measures.CDEP_VISITS["cdep_visits"]:
        window = visit_windows.visit_window(visit_key, end)
        for dob in visit_windows.births_overlapping(window, start, end):
            first, last = window(dob)
            rows.append({"dob": dob, "part": visit_key, "first": first, "last": last})
    return rows


def _asd_births(rules: dict, start: date, end: date) -> list[dict]:
    from medhome.measures import anchors, definitions, screening_measures, visit_windows

    rows = []
    for visit_key in screening_measures.ASD_VISITS["asd"]:
        months = definitions.ASD_MONTHS[visit_key]
        window = visit_windows.visit_window(visit_key, end)
        birthday = functools.partial(visit_windows.months, count=months)
        for dob in anchors.births_anchored_in(birthday, start, end):
            first, last = window(dob)
            rows.append(
                {
                    "dob": dob,
                    "part": visit_key,
                    "first": first,
                    "last": last,
                    "anchor": birthday(dob),
                }
            )
    return rows


def _cdep_once_births(rules: dict, start: date, end: date) -> list[dict]:
    from medhome.measures import anchors, visit_windows

    birthday = functools.partial(visit_windows.months, count=int(rules["cdep_once_months"]))
    return [
        {"dob": dob, "anchor": birthday(dob)}
        for dob in anchors.births_anchored_in(birthday, start, end)
    ]


BIRTHS: dict[str, Callable[[dict, date, date], list[dict]]] = {
    "w30_1": _w30_births("w30_1"),
    "w30_2": _w30_births("w30_2"),
    "dev": _dev_births,
    "cdep": _cdep_births,
    "asd": _asd_births,
    "cdep_once": _cdep_once_births,
}


def print_table(rows: list, *, engine_counts_checked: bool) -> None:
    print()
    print(
        f"| {'query':<20} | {'measures':>8} | {'engine s':>8} | {'hand SQL s':>10} | "
        f"{'ratio':>6} | {'within 1.2×':<11} | {'load (1/5/15 min)':<17} |"
    )
    print(f"|{'-' * 22}|{'-' * 9}:|{'-' * 9}:|{'-' * 11}:|{'-' * 7}:|{'-' * 13}|{'-' * 19}|")
    total_engine = total_hand = 0.0
    for name, keys, engine_seconds, hand_seconds, load in rows:
        ratio = engine_seconds / hand_seconds if hand_seconds else float("inf")
        total_engine += engine_seconds
        total_hand += hand_seconds
        within = "yes" if ratio <= TARGET else "NO"
        print(
            f"| {name:<20} | {len(keys):>8} | {engine_seconds:8.3f} | {hand_seconds:10.3f} | "
            f"{ratio:6.2f}× | {within:<11} | {load:<17} |"
        )
    if rows:
        ratio = total_engine / total_hand if total_hand else float("inf")
        count = sum(len(keys) for _, keys, *_rest in rows)
        print(
            f"| {'total':<20} | {count:>8} | {total_engine:8.3f} | {total_hand:10.3f} | "
            f"{ratio:6.2f}× | {'':<11} | {'':<17} |"
        )
    print(f"identical counts: {'yes' if engine_counts_checked else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
