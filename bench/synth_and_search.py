"""Benchmark: synthesize children on SQLite, then time child search as a care coordinator.

    .venv/bin/python bench/synth_and_search.py --children 100000

Makes a fresh SQLite file (default /tmp/medhome-bench.sqlite3), migrates it, generates and
writes the synthetic population across 2 practices (timed), then runs ~200 searches of each
kind through medhome.families.selectors.search_children (which only reads): last-name prefix,
full name, date of birth, MRN. Prints median and p95 per kind, and SQLite's EXPLAIN QUERY PLAN
for one query of each kind. Results and the machine are recorded in docs/benchmarks.md.
"""

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path(tempfile.gettempdir()) / "medhome-bench.sqlite3"
KINDS = ("last-name prefix", "full name", "date of birth", "MRN")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--practices", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200, help="searches of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-23", help="date ages are computed at")
    parser.add_argument("--db", default=str(DEFAULT_DB), help="fresh SQLite file")
    return parser.parse_args()


def configure(db_path: Path) -> None:
    """Point medhome at a fresh SQLite file in the bench environment, then set Django up."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "medhome.settings"
    os.environ["MEDHOME_ENV"] = "bench"
    os.environ["MEDHOME_SQLITE_PATH"] = str(db_path)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def timed(label: str, timings: dict[str, float], work):  # type: ignore[no-untyped-def]
    started = perf_counter()
    result = work()
    timings[label] = perf_counter() - started
    print(f"  {label:<28} {timings[label]:8.1f} s", flush=True)
    return result


def query_for(kind: str, child: tuple[str, str, date, str]) -> str:
    """What a person at the front desk would type to find this child."""
    given, family, born, mrn = child
    if kind == "last-name prefix":
        return family[:4]
    if kind == "full name":
        return f"{given} {family.split()[0]}"
    if kind == "date of birth":
        return born.strftime("%m/%d/%Y")
    return mrn


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_searches(actor, sample, kind):  # type: ignore[no-untyped-def]
    from medhome.families.selectors import search_children

    for child in sample[:10]:  # warm-up, not counted
        search_children(actor, query_for(kind, child))
    times, found, results = [], 0, []
    for child in sample:
        query = query_for(kind, child)
        started = perf_counter()
        matches = search_children(actor, query)
        times.append((perf_counter() - started) * 1000)
        results.append(len(matches))
        found += any(m.mrn == child[3] for m in matches)
    return times, found, results


def explain(actor, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from medhome.families.selectors import search_children

    with CaptureQueriesContext(connection) as captured:
        search_children(actor, query)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


def search_report(actor, sample, heading: str) -> None:  # type: ignore[no-untyped-def]
    print(heading)
    print(
        f"  {'kind':<18} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'found':>7} "
        f"{'mean rows':>10}"
    )
    for kind in KINDS:
        times, found, results = run_searches(actor, sample, kind)
        print(
            f"  {kind:<18} {statistics.median(times):10.2f} {percentile(times, 0.95):8.2f} "
            f"{max(times):8.2f} {found / len(sample):7.0%} {statistics.mean(results):10.1f}"
        )
    print("  EXPLAIN QUERY PLAN, one query of each kind:")
    for kind in KINDS:
        query = query_for(kind, sample[0])
        print(f"    {kind} {query!r}:")
        for line in explain(actor, query):
            print(f"      {line}")
    print()


def main() -> None:
    args = parse_args()
    configure(Path(args.db))
    from django.core.management import call_command

    from medhome.accounts.roles import Role, capabilities_of
    from medhome.core.actor import Actor
    from medhome.families.models import Child
    from medhome.synth.bulk import analyze
    from medhome.synth.generator import generate_population
    from medhome.synth.run import default_network_name, plan_run, save

    as_of = date.fromisoformat(args.as_of)
    print(
        f"medhome bench: {args.children:,} children, {args.practices} practices, "
        f"seed {args.seed}, as of {as_of}"
    )
    print(
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )
    print(f"Database: {args.db}\n")

    timings: dict[str, float] = {}
    timed("migrate", timings, lambda: call_command("migrate", verbosity=0))
    plan = timed(
        "plan practices",
        timings,
        lambda: plan_run(
            seed=args.seed,
            practice_count=args.practices,
            network_name=default_network_name(args.seed),
        ),
    )
    population = timed(
        "generate (in memory)",
        timings,
        lambda: generate_population(
            rng=plan.people_rng, places=plan.places, children=args.children, as_of=as_of
        ),
    )
    # synth runs ANALYZE after writing; here it is timed apart, and searched without it first.
    timed(
        "write (bulk insert)",
        timings,
        lambda: save(plan, population, refresh_statistics=False),
    )
    synth_total = (
        timings["plan practices"] + timings["generate (in memory)"] + timings["write (bulk insert)"]
    )
    counts = ", ".join(f"{n:,} {name}" for name, n in population.counts().items())
    print(f"  {'synth total (no ANALYZE)':<28} {synth_total:8.1f} s   ({counts})")
    size = sum(
        Path(f"{args.db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{args.db}{s}").exists()
    )
    print(f"  database size                {size / 2**20:8.0f} MiB\n")

    practice = plan.places[0].practice
    actor = Actor(
        user=None,
        practice=practice,
        role=Role.CARE_COORDINATOR,
        capabilities=capabilities_of(Role.CARE_COORDINATOR),
    )
    panel = list(
        Child.objects.for_practice(practice).values_list(
            "legal_given_name", "legal_family_name", "date_of_birth", "mrn"
        )
    )
    sample = random.Random(args.seed).sample(panel, min(args.queries, len(panel)))
    where = f"in {practice.name} ({len(panel):,} children), {len(sample)} of each kind"
    search_report(actor, sample, f"Searches {where}, before ANALYZE (no planner statistics):")
    timed("ANALYZE (as synth does)", timings, lambda: analyze(m for m, _ in population.tables()))
    print()
    search_report(actor, sample, f"Searches {where}, after ANALYZE:")


if __name__ == "__main__":
    main()
