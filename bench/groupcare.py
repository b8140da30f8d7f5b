"""Benchmark: proposing group well-child care cohorts for a 50,000-child practice.

    .venv/bin/python bench/groupcare.py --children 50000 [--db postgres] [--runs 20]

Makes a fresh database (SQLite file, or a new PostgreSQL database on
postgres://postgres@127.0.0.1:5432 dropped at the end), migrates it, builds a synthetic panel
with medhome.synth.panel (one practice, one year of history, so infants have their first
visits and a site), then times `formation.proposals` — the one query for the candidates (on the
panel, young enough for the first session, in no group, with the site of their latest visit and
their family's language) and the greedy grouping — --runs times after one warm-up, and prints
p50/p95. Target (issue 19): under 1 s. Results: docs/benchmarks.md "Group well-child care".
Synthetic data only.
"""

import argparse
import statistics
import sys
from datetime import date
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402 - bench is no package
    analyze_and_describe,
    one_practice_panel,
    percentile,
    run_on_fresh_database,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--day", default="2026-12-05", help="the day the proposals are made")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def main() -> None:
    run_on_fresh_database("groupcare", parse_args(), run)


def run(args: argparse.Namespace) -> None:
    from medhome.accounts.roles import capabilities_of
    from medhome.core.actor import Actor
    from medhome.groupcare import formation
    from medhome.practices.models import Practice

    day = date.fromisoformat(args.day)
    panel = one_practice_panel(args, "Group care bench", day)
    analyze_and_describe()

    practice = Practice.objects.get(pk=panel.practice_ids[0])
    actor = Actor(user=None, practice=practice, role="nurse", capabilities=capabilities_of("nurse"))
    found = formation.proposals(actor, day)
    candidates = sum(len(p.children) for p in found)
    enough = sum(p.is_enough for p in found)
    print(f"Candidates: {candidates:,}; proposals: {len(found)}, {enough} with enough families")
    values = []
    formation.proposals(actor, day)  # warm-up
    for _ in range(args.runs):
        started = perf_counter()
        formation.proposals(actor, day)
        values.append(perf_counter() - started)
    print(f"\nCohort formation (proposals), {args.runs} runs (ms):")
    p50, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
    print(f"  p50 {p50:7.1f}   p95 {p95:7.1f}   max {max(values) * 1000:7.1f}")


if __name__ == "__main__":
    main()
