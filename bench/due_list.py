"""Benchmark: the periodicity due list (medhome.periodicity.panel.panel_due) on SQLite or
PostgreSQL.

    .venv/bin/python bench/due_list.py --children 100000
    .venv/bin/python bench/due_list.py --children 100000 --postgres            # a new database
    .venv/bin/python bench/due_list.py --postgres <a kept database>            # reuse its data

Builds (or, with --reuse, reuses) a SQLite file of synthetic children made by medhome.synth
(default /tmp/medhome-bench-due.sqlite3), adds a sprinkling of RowCompletions with one
executemany (the current and previous visit, and one older, of each child: visits recorded
about 3 times in 4, the panel rows of a recorded visit about 85 % of the time, 5 % with the
next step pending), then times panel_due fully evaluated (list(), and list() + PanelRow) for
the first practice and for every child, before and after ANALYZE. Prints p50/p95 per case and
SQLite's EXPLAIN QUERY PLAN. Results and the machine are recorded in docs/benchmarks.md.
"""

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path(tempfile.gettempdir()) / "medhome-bench-due.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--practices", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each case")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-23", help="the day the due list is for")
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite file")
    parser.add_argument("--reuse", action="store_true", help="keep an existing file's data")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="",
        help="on the local PostgreSQL: a new database (kept), or the named one with its data",
    )
    parser.add_argument(
        "--ehr",
        action="store_true",
        help="also add the completions the EHR's record brings (medhome.ehr.completions)",
    )
    return parser.parse_args()


def configure(db_path: Path, *, reuse: bool) -> None:
    """The bench environment on a SQLite file, as bench/synth_and_search.py sets it up."""
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medhome.settings")
    os.environ["MEDHOME_ENV"] = "bench"
    os.environ["MEDHOME_SQLITE_PATH"] = str(db_path)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def populate(args: argparse.Namespace, as_of: date) -> None:
    from medhome.synth.generator import generate_population
    from medhome.synth.run import default_network_name, plan_run, save

    started = perf_counter()
    plan = plan_run(
        seed=args.seed, practice_count=args.practices, network_name=default_network_name(args.seed)
    )
    population = generate_population(
        rng=plan.people_rng, places=plan.places, children=args.children, as_of=as_of
    )
    save(plan, population, refresh_statistics=False)
    print(f"  synth {args.children:,} children        {perf_counter() - started:8.1f} s")


EHR_ROWS = ("immunization", "length_weight", "weight_for_length", "bmi", "head_circumference")


def sprinkle_ehr(as_of: date, seed: int) -> int:
    """The EHR completions refresh_completions writes for a child seen at every visit: the
    measurement and immunization rows of every visit whose window has opened (the volume a
    practice importing its EHR history adds to the table the due list reads)."""
    from django.db import connection, transaction

    from medhome.families.models import Child
    from medhome.periodicity.models import RowCompletion
    from medhome.periodicity.rules import current_rules
    from medhome.periodicity.schedule import current_schedule
    from medhome.periodicity.windows import windows_for

    rng = random.Random(seed + 1)
    schedule, rules = current_schedule(as_of), current_rules()
    at = datetime.combine(as_of, datetime.min.time(), tzinfo=UTC).isoformat(" ")
    applies = {
        v.key: [r for r in EHR_ROWS if v.key in schedule.row(r).visit_keys]
        for v in schedule.timed_visits
    }
    table = RowCompletion._meta.db_table
    sql = (
        f"INSERT INTO {table} (id, practice_id, child_id, row, visit_key, done_on, "  # noqa: S608
        "next_step_pending, source, source_detail, schedule_version, recorded_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    total, values = 0, []
    children = Child.objects.values_list("pk", "practice_id", "date_of_birth")
    for child_id, practice_id, born in children.iterator(chunk_size=5000):
        for visit, window in windows_for(born, schedule=schedule, rules=rules):
            if window.opens > as_of or rng.random() > 0.8:
                continue
            last = min(window.closes - timedelta(days=1), as_of)
            day = window.opens + timedelta(days=rng.randrange((last - window.opens).days + 1))
            for row in applies[visit.key]:
                values.append(
                    (
                        uuid.uuid4().hex,
                        practice_id.hex,
                        child_id.hex,
                        row,
                        visit.key,
                        day.isoformat(),
                        False,
                        "ehr",
                        "observation",
                        schedule.version,
                        at,
                    )
                )
        if len(values) > 200_000:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, values)
            total, values = total + len(values), []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return total + len(values)


def sprinkle(as_of: date, seed: int) -> int:
    """RowCompletions for the visits the panel looks at, in one executemany."""
    from django.db import connection, transaction

    from medhome.families.models import Child
    from medhome.periodicity.models import RowCompletion
    from medhome.periodicity.panel import DEFAULT_PANEL_ROWS
    from medhome.periodicity.rules import current_rules
    from medhome.periodicity.schedule import current_schedule
    from medhome.periodicity.windows import windows_for

    rng = random.Random(seed)
    schedule, rules = current_schedule(as_of), current_rules()
    at = datetime.combine(as_of, datetime.min.time(), tzinfo=UTC).isoformat(" ")
    rows_at = {
        v.key: [r for r in DEFAULT_PANEL_ROWS if v.key in schedule.row(r).visit_keys]
        for v in schedule.timed_visits
    }
    values = []
    children = Child.objects.values_list("pk", "practice_id", "date_of_birth")
    for child_id, practice_id, born in children.iterator(chunk_size=5000):
        opened = [
            (v, w) for v, w in windows_for(born, schedule=schedule, rules=rules) if w.opens <= as_of
        ]
        for visit, window in opened[-2:] + opened[-5:-4]:
            if rng.random() > 0.75:
                continue
            last = min(window.closes - timedelta(days=1), as_of)
            day = window.opens + timedelta(days=rng.randrange((last - window.opens).days + 1))
            for row in ["preventive_visit", *rows_at[visit.key]]:
                if row != "preventive_visit" and rng.random() > 0.85:
                    continue
                pending = row != "preventive_visit" and rng.random() < 0.05
                values.append(
                    (
                        uuid.uuid4().hex,
                        practice_id.hex,
                        child_id.hex,
                        row,
                        visit.key,
                        day.isoformat(),
                        pending,
                        "visit",
                        "",
                        schedule.version,
                        at,
                    )
                )
    table = RowCompletion._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (id, practice_id, child_id, row, visit_key, done_on, "  # noqa: S608
            "next_step_pending, source, source_detail, schedule_version, recorded_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            values,
        )
    return len(values)


def run_case(queryset, on: date, runs: int) -> tuple[list[float], list[float], int]:  # type: ignore[no-untyped-def]
    from medhome.periodicity.panel import panel_due, panel_rows

    list(panel_due(queryset, on))  # warm-up, not counted
    listing, lines, size = [], [], 0
    for _ in range(runs):
        started = perf_counter()
        rows = list(panel_due(queryset, on))
        listing.append(perf_counter() - started)
        started = perf_counter()
        size = len(panel_rows(rows, on))
        lines.append(listing[-1] + perf_counter() - started)
    return listing, lines, size


def report(cases, on: date, runs: int, heading: str) -> None:  # type: ignore[no-untyped-def]
    print(heading)
    print(
        f"  {'panel':<26} {'rows':>8} {'list p50':>9} {'p95':>7} {'+PanelRow p50':>14} {'p95':>7}"
    )
    for label, queryset in cases:
        listing, lines, size = run_case(queryset, on, runs)
        print(
            f"  {label:<26} {size:8,} {statistics.median(listing):8.2f}s "
            f"{percentile(listing, 0.95):6.2f}s {statistics.median(lines):13.2f}s "
            f"{percentile(lines, 0.95):6.2f}s",
            flush=True,
        )


def explain(queryset, on: date) -> list[str]:  # type: ignore[no-untyped-def]
    from django.db import connection

    from medhome.periodicity.panel import panel_due

    sql, params = panel_due(queryset, on).query.sql_with_params()
    explain = (
        "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def show_plans(cases, on: date) -> None:  # type: ignore[no-untyped-def]
    for label, queryset in cases:
        print(f"  query plan, {label}:")
        for line in explain(queryset, on):
            print(f"    {line[:150]}")


def forget_statistics() -> None:
    """Drop planner statistics and reconnect (SQLite reads sqlite_stat1 when it connects)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
    connection.close()


def main() -> None:
    args = parse_args()
    on_postgres = args.postgres is not None
    if on_postgres:
        from common import existing_database, fresh_database

        if args.postgres:
            existing_database("postgres", args.postgres)
            args.db, reuse = args.postgres, True
        else:
            args.db, reuse = fresh_database("due", args.children, "postgres"), False
    else:
        reuse = args.reuse and Path(args.db).exists()
        configure(Path(args.db), reuse=reuse)
    from django.core.management import call_command
    from django.db import connection

    from medhome.families.models import Child
    from medhome.periodicity.models import RowCompletion
    from medhome.practices.models import Practice
    from medhome.synth.bulk import analyze

    as_of = date.fromisoformat(args.as_of)
    print(f"medhome due-list bench: {args.children:,} children, as of {as_of}")
    engine = (
        f"PostgreSQL {connection.pg_version}" if on_postgres else f"SQLite {sqlite3.sqlite_version}"
    )
    print(f"Python {platform.python_version()}, {engine}, {os.cpu_count()} CPUs")
    print(platform.platform())
    print(f"Database: {args.db}{' (reused)' if reuse else ''}\n")
    call_command("migrate", verbosity=0)
    if not Child.objects.exists():
        populate(args, as_of)
    if not RowCompletion.objects.exists():
        started = perf_counter()
        count = sprinkle(as_of, args.seed)
        print(f"  sprinkle {count:,} RowCompletions {perf_counter() - started:6.1f} s")
        if args.ehr:
            started = perf_counter()
            count = sprinkle_ehr(as_of, args.seed)
            print(f"  EHR      {count:,} RowCompletions {perf_counter() - started:6.1f} s")
    print(f"  {Child.objects.count():,} children, {RowCompletion.objects.count():,} completions\n")
    practice = Practice.objects.order_by("name").first()
    assert practice is not None
    cases = [
        (f"one practice ({practice.name[:12]}…)", Child.objects.for_practice(practice)),
        ("all children", Child.objects.all()),
    ]
    if not on_postgres:
        forget_statistics()
        report(cases, as_of, args.runs, "panel_due, before ANALYZE (no planner statistics):")
        show_plans(cases, as_of)
    started = perf_counter()
    analyze([Child, RowCompletion])
    connection.close()
    print(f"\n  ANALYZE {perf_counter() - started:.1f} s\n")
    report(cases, as_of, args.runs, "panel_due, after ANALYZE:")
    show_plans(cases, as_of)


if __name__ == "__main__":
    main()
