"""Benchmark: build a synthetic panel with measure histories, then compute every measure.

    .venv/bin/python bench/measures.py --children 100000 --db postgres --reference-sample 10000

Makes a fresh database (SQLite file, or a new PostgreSQL database on
postgres://postgres@127.0.0.1:5432 that is dropped at the end), migrates it, builds the panel
across --practices practices with medhome.synth.panel (people, then visits, screens and
referrals; each step timed), then computes every measure in medhome.measures.definitions.MEASURES
(whatever it holds when the script runs) for the calendar year --year with the set-based engine,
timing each. With --reference-sample N it also builds a separate N-child panel, computes every
measure there with the engine and with the per-child reference, checks that the numerator and
denominator ids are identical, and prints the speed-up. Results: docs/benchmarks.md "Measures".
Synthetic data only.
"""

import argparse
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--practices", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025, help="the measurement year")
    parser.add_argument("--as-of", default="", help="data as of (default: 1 March after --year)")
    parser.add_argument("--reference-sample", type=int, default=0, help="children checked")
    parser.add_argument("--history-years", type=int, default=4, help="well-child visits kept")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest measure")
    parser.add_argument(
        "--figures-only",
        action="store_true",
        help="time only the measures together (compute_all; all_figures on 2, 1, 2 connections)",
    )
    parser.add_argument(
        "--summary",
        action="store_true",
        help="recompute every practice's summary table (what the worker does), then time the "
        "dashboard, measure and network pages reading it",
    )
    parser.add_argument(
        "--programs",
        action="store_true",
        help="also give every practice the shipped programs and their history (synth.programs)",
    )
    parser.add_argument("--page-runs", type=int, default=20, help="timed requests per page")
    parser.add_argument(
        "--reuse", default="", help="an existing database (kept by --keep): time, don't build"
    )
    return parser.parse_args()


def configure(args: argparse.Namespace) -> str:
    """Point medhome at a fresh database in the bench environment; returns its name."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "medhome.settings"
    os.environ["MEDHOME_ENV"] = "bench"
    if args.reuse:
        if args.db == "sqlite":
            os.environ["MEDHOME_SQLITE_PATH"] = args.reuse
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = f"{PG_SERVER}/{args.reuse}"
        name = args.reuse
        args.keep = True
    elif args.db == "sqlite":
        path = Path(tempfile.gettempdir()) / f"medhome-bench-measures-{args.children}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["MEDHOME_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
        name = str(path)
    else:  # a new PostgreSQL database
        import psycopg

        name = f"medhome_bench_measures_{args.children}_{os.getpid()}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    return name


def drop(args: argparse.Namespace, name: str) -> None:
    from django.db import connections

    connections.close_all()
    if args.keep:
        print(f"Kept database {name}")
        return
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine(args: argparse.Namespace) -> str:
    from django.db import connection

    mem = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    with connection.cursor() as cursor:
        if args.db == "postgres":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    return (
        f"Python {platform.python_version()}, {version}, {os.cpu_count()} CPUs, "
        f"{int(mem) / 1024 / 1024:.1f} GiB RAM, {platform.platform()}"
    )


def build(args, as_of: date, children: int, network: str):  # type: ignore[no-untyped-def]
    from django.db import connection

    from medhome.families.models import Child
    from medhome.programs.models import Contact, Enrolment, Program
    from medhome.synth.panel import HISTORY_TABLES, build_panel

    PROGRAM_TABLES = (Program, Enrolment, Contact)  # noqa: N806

    started = perf_counter()
    panel = build_panel(
        seed=args.seed,
        children=children,
        practice_count=args.practices,
        network_name=network,
        as_of=as_of,
        history_years=args.history_years,
        programs=args.programs,
    )
    vacuum = perf_counter()
    if connection.vendor == "postgresql":
        # What autovacuum would do after a bulk load: sets the visibility map, so index-only
        # scans need not visit the heap.
        with connection.cursor() as cursor:
            for model in (Child, *HISTORY_TABLES, *(PROGRAM_TABLES if args.programs else ())):
                cursor.execute(
                    f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}"
                )
        panel.seconds["vacuum (PostgreSQL)"] = perf_counter() - vacuum
    total = perf_counter() - started
    print(f"Panel '{network}': {children:,} children, {len(panel.practice_ids)} practices")
    for step, seconds in panel.seconds.items():
        print(f"  {step:<32} {seconds:8.1f} s")
    print(f"  {'build total':<32} {total:8.1f} s")
    print("  rows: " + ", ".join(f"{name} {n:,}" for name, n in panel.rows.items()))
    return panel, total


def run_engine(keys, practices, start: date, end: date):  # type: ignore[no-untyped-def]
    from medhome.measures import engine

    results, seconds = {}, {}
    for key in keys:
        started = perf_counter()
        results[key] = engine.compute(key, practices=practices, period_start=start, period_end=end)
        seconds[key] = perf_counter() - started
    return results, seconds


def run_counts(keys, practices, start: date, end: date) -> dict:  # type: ignore[no-untyped-def]
    """What a dashboard or report reads: numerator and denominator counts (one aggregate
    query per measure, the ids stay in the database)."""
    from medhome.measures import engine, strata

    seconds = {}
    for key in keys:
        started = perf_counter()
        strata.total(
            engine.membership(key, practices=practices, period_start=start, period_end=end)
        )
        seconds[key] = perf_counter() - started
    return seconds


def run_tasks(keys, practices, start: date, end: date) -> None:  # type: ignore[no-untyped-def]
    """Each query of all_figures (a batch of related measures, or one measure), one after
    another, with its time: where the seconds of all the figures go."""
    from medhome.measures import batches, figures

    print("  queries of all_figures, one after another (counts):")
    total = 0.0
    for task in batches.plan(keys):
        started = perf_counter()
        figures._run(task, practices, start, end)
        took = perf_counter() - started
        total += took
        print(f"    {task.batch or task.keys[0]:<14} {took:7.2f} s  ({', '.join(task.keys)})")
    print(f"    {'total':<14} {total:7.2f} s")


def explain(key: str, practices, start: date, end: date, vendor: str) -> None:  # type: ignore[no-untyped-def]
    from medhome.measures import engine

    member = engine.membership(key, practices=practices, period_start=start, period_end=end)
    queryset = member.queryset.order_by("pk").values_list("pk", "in_numerator")
    options = {"analyze": True} if vendor == "postgresql" else {}
    print(f"\nEXPLAIN {'ANALYZE ' if options else ''}of the slowest measure, {key}:")
    for line in queryset.explain(**options).splitlines():
        print(f"  {line}")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress in a log
    args = parse_args()
    name = configure(args)
    try:
        bench(args)
    finally:
        drop(args, name)


def bench(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from medhome.measures import reference
    from medhome.measures.definitions import MEASURES

    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    as_of = date.fromisoformat(args.as_of) if args.as_of else date(args.year + 1, 3, 1)
    print(
        f"medhome measures bench: {args.children:,} children, {args.practices} practices, "
        f"{args.db}, seed {args.seed}, period {start}..{end}, as of {as_of}"
    )
    print(machine(args))
    network = f"Measures bench (seed {args.seed})"
    if args.reuse:
        from medhome.practices.models import Practice

        practice_ids = list(
            Practice.objects.filter(network__name=network).values_list("pk", flat=True)
        )
        print(f"  reusing {args.reuse}: {len(practice_ids)} practices of {network!r}")
    else:
        started = perf_counter()
        call_command("migrate", verbosity=0)
        print(f"  {'migrate':<32} {perf_counter() - started:8.1f} s\n")
        panel, _ = build(args, as_of, args.children, network)
        practice_ids = panel.practice_ids
    keys = list(MEASURES)
    print(f"\nMeasures in MEASURES ({len(keys)}): {', '.join(keys)}")
    if args.summary:
        run_summary(practice_ids, args.page_runs)
        return
    from medhome.measures.batches import compute_all
    from medhome.measures.figures import all_figures

    if args.figures_only:
        started = perf_counter()
        compute_all(keys, practices=practice_ids, period_start=start, period_end=end)
        print(
            f"  all {len(keys)} measures with their ids (compute_all, 1 connection): "
            f"{perf_counter() - started:.2f} s"
        )
        run_tasks(keys, practice_ids, start, end)
        # SQLite runs them one after another whatever the workers: once is enough there.
        for workers in (2, 1, 2) if connection.vendor == "postgresql" else (1,):
            started = perf_counter()
            all_figures(
                keys, practices=practice_ids, period_start=start, period_end=end, workers=workers
            )
            print(
                f"  all {len(keys)} measures' figures, {workers} connection(s): "
                f"{perf_counter() - started:.2f} s"
            )
        return
    counts_seconds = run_counts(keys, practice_ids, start, end)
    results, seconds = run_engine(keys, practice_ids, start, end)
    # Last, so that they meet the same (warm) cache as the one-by-one runs above.
    started = perf_counter()
    batched = compute_all(keys, practices=practice_ids, period_start=start, period_end=end)
    batched_seconds = perf_counter() - started
    started = perf_counter()
    cells = all_figures(keys, practices=practice_ids, period_start=start, period_end=end, workers=1)
    serial = perf_counter() - started
    started = perf_counter()
    cells = all_figures(keys, practices=practice_ids, period_start=start, period_end=end, workers=2)
    together = perf_counter() - started
    print(f"\nEngine, {args.children:,} children ({connection.vendor}):")
    print(
        f"  {'measure':<24} {'counts s':>9} {'with ids s':>11} {'numerator':>10} "
        f"{'denominator':>12} {'rate':>6}"
    )
    for key in keys:
        result = results[key]
        rate = f"{result.rate:.0%}" if result.rate is not None else "—"
        print(
            f"  {key:<24} {counts_seconds[key]:9.2f} {seconds[key]:11.2f} "
            f"{result.numerator:10,} {result.denominator:12,} {rate:>6}"
        )
    print(f"  {'TOTAL':<24} {sum(counts_seconds.values()):9.2f} {sum(seconds.values()):11.2f}")
    same = all(
        (cells[key].numerator, cells[key].denominator)
        == (results[key].numerator, results[key].denominator)
        for key in keys
    )
    print(
        f"  all {len(keys)} measures' figures together (measures.figures.all_figures, counts): "
        f"{serial:.2f} s on 1 connection, {together:.2f} s on 2; same counts as compute(): "
        f"{'yes' if same else 'NO'}"
    )
    same_ids = all(_same_ids(batched[key], results[key]) for key in keys)
    print(
        f"  all {len(keys)} measures with their ids (measures.batches.compute_all, "
        f"1 connection): {batched_seconds:.2f} s; same ids as compute(): "
        f"{'yes' if same_ids else 'NO'}"
    )
    if args.explain and keys:
        slowest = max(seconds, key=seconds.__getitem__)
        explain(slowest, practice_ids, start, end, connection.vendor)

    if args.reference_sample:
        print()
        sample, _ = build(
            args, as_of, args.reference_sample, f"Reference sample (seed {args.seed})"
        )
        engine_results, engine_seconds = run_engine(keys, sample.practice_ids, start, end)
        batched_runs = []
        for _run in range(3):
            started = perf_counter()
            batched = compute_all(
                keys, practices=sample.practice_ids, period_start=start, period_end=end
            )
            batched_runs.append(perf_counter() - started)
        print(f"\nReference check, {args.reference_sample:,} children:")
        print(
            f"  {'measure':<24} {'engine s':>9} {'reference s':>12} {'speed-up':>9} "
            f"{'num':>6} {'den':>6} {'same ids':>9}"
        )
        mismatches = []
        reference_total = 0.0
        for key in keys:
            begun = perf_counter()
            expected = reference.compute(
                key, practices=sample.practice_ids, period_start=start, period_end=end
            )
            took = perf_counter() - begun
            reference_total += took
            got = engine_results[key]
            same = _same_ids(got, expected) and _same_ids(batched[key], expected)
            if not same:
                mismatches.append(key)
            ratio = took / engine_seconds[key] if engine_seconds[key] else float("inf")
            print(
                f"  {key:<24} {engine_seconds[key]:9.3f} {took:12.2f} {ratio:8.0f}× "
                f"{got.numerator:6,} {got.denominator:6,} {'yes' if same else 'NO':>9}"
            )
        engine_total = sum(engine_seconds.values())
        print(
            f"  {'TOTAL':<24} {engine_total:9.3f} {reference_total:12.2f} "
            f"{reference_total / engine_total:8.0f}×"
        )
        best = sorted(batched_runs)[1]  # the median of three
        print(
            f"  all {len(keys)} together, with ids (measures.batches.compute_all, 1 connection; "
            f"runs {', '.join(f'{s:.3f}' for s in batched_runs)} s, median {best:.3f} s): "
            f"{reference_total / best:.0f}× the reference"
        )
        print(
            "  identical numerator and denominator ids for every measure, one by one and together"
            if not mismatches
            else f"  MISMATCH in {', '.join(mismatches)}"
        )


def run_summary(practice_ids, runs: int) -> None:  # type: ignore[no-untyped-def]
    """The worker's recompute of every practice's summary (medhome.measures.services), then the
    pages that read it, through the whole Django stack (middleware, session, template), as a
    logged-in admin of the largest practice and as a network analyst (the network page): each
    page `runs` times after one warm-up, median and worst."""
    import statistics

    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from medhome.accounts.roles import Role
    from medhome.core import clock
    from medhome.families.models import Child
    from medhome.measures import services
    from medhome.measures.models import MeasureFigure
    from medhome.practices.middleware import SESSION_PRACTICE_KEY
    from medhome.practices.models import Membership, Practice

    sizes = dict(
        Child.objects.filter(practice_id__in=practice_ids)
        .values_list("practice_id")
        .annotate(n=Count("pk"))
        .values_list("practice_id", "n")
    )
    practice = Practice.objects.get(pk=max(sizes, key=sizes.__getitem__))
    # Every practice, largest first, as the worker's nightly sweep does: the network page reads
    # them all (a practice not computed would be "pending").
    for pk in sorted(sizes, key=sizes.__getitem__, reverse=True):
        one = Practice.objects.get(pk=pk)
        started = perf_counter()
        done = services.recompute(one, at=clock.now(), today=clock.today())
        print(
            f"\nSummary of {one.name}: {sizes[pk]:,} children; recompute (all measures, "
            f"periods, strata): {perf_counter() - started:.1f} s, {done.figures:,} rows"
        )
    print(f"  the table holds {MeasureFigure.objects.count():,} rows")
    from django.contrib.auth import get_user_model

    pages = {
        Role.PRACTICE_ADMIN: (
            ("/measures/", b"Figures computed at"),
            ("/measures/dev/?by=race_ethnicity_any", b"Figures computed at"),
            ("/measures/w30_1/?by=site", b"Figures computed at"),
        ),
        Role.NETWORK_ANALYST: (
            ("/measures/network/", b"Figures computed by the worker"),
            ("/measures/network/?measure=w30_1&by=race_ethnicity_any", b"computed by the worker"),
        ),
    }
    print(f"  {'page':<56} {'queries':>7} {'median ms':>10} {'worst ms':>9}")
    for role, role_pages in pages.items():
        user, _ = get_user_model().objects.get_or_create(username=f"bench-summary-{role}")
        Membership.objects.get_or_create(user=user, practice=practice, role=role)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        session[SESSION_PRACTICE_KEY] = str(practice.pk)
        session.save()
        for url, marker in role_pages:
            assert client.get(url).status_code == 200, url
            captured = _QueryCount()
            with connection.execute_wrapper(captured):
                client.get(url)
            times = []
            for _run in range(runs):
                begun = perf_counter()
                response = client.get(url)
                times.append((perf_counter() - begun) * 1000)
                assert response.status_code == 200 and marker in response.content, url
                assert b"not computed yet" not in response.content, url
            print(
                f"  {url:<56} {len(captured):7} {statistics.median(times):10.1f} {max(times):9.1f}"
            )


class _QueryCount(list):
    """An execute wrapper that keeps each statement: the queries log is emptied when a request
    starts, so it cannot count a whole request's queries."""

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.append(sql)
        return execute(sql, params, many, context)


def _same_ids(got, expected) -> bool:  # type: ignore[no-untyped-def]
    return sorted(map(str, got.numerator_ids)) == sorted(
        map(str, expected.numerator_ids)
    ) and sorted(map(str, got.denominator_ids)) == sorted(map(str, expected.denominator_ids))


if __name__ == "__main__":
    main()
