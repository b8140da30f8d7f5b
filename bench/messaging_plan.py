"""Benchmark: planning messages to families (the hourly sweep) for a synthetic panel.

    .venv/bin/python bench/messaging_plan.py --children 100000 --db postgres
    .venv/bin/python bench/messaging_plan.py --children 100000 --db sqlite

Migrates a fresh database (PostgreSQL --pg-db on postgres://postgres@127.0.0.1:5432, dropped
and created, or an SQLite file in the temporary directory), writes a synthetic panel with
medhome.synth (seeded), the demo's contact consents (each caregiver agreed to the channel they
prefer), then for each kind of message its bookings and its sweep, timed:

- visit reminders: --per-day visits booked on each reminder day (the days
  MEDHOME_MESSAGING["reminder_days_before"] ahead of --as-of; default 1.1 % of the panel a day,
  as 50 pediatricians per 100,000 children seeing about 22 visits a day), then
  plan_all_visit_reminders (every practice) --runs times, each rolled back so each plans
  everything, and once more after a committed run (nothing left to plan).

- recalls: plan_all_recalls (every child on the panel overdue for a well-child visit or a
  caregiver's screen with nothing booked), the daily sweep; a week's recalls are planned by it
  (a child is recalled once per recall_every_days). The first sweep over a panel recalls its
  whole backlog; "a week later" is the steady state.
- referral follow-ups: plan_all_referral_follow_ups (the panel's referrals from the generator).

A later kind adds a Kind to KINDS: its bookings and its sweep. Results:
docs/benchmarks.md, "Messages to families".
"""

import argparse
import cProfile
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent))

import messaging_setup as setup  # noqa: E402 - the bench directory is not a package


@dataclass(frozen=True)
class Kind:
    name: str
    # Books what the sweep plans for (visits, recalls due); returns the rows written.
    prepare: Callable[[argparse.Namespace, date], int]
    # The sweep over every practice at `at`; returns the messages planned.
    sweep: Callable[[datetime], int]


def book_for_reminders(args: argparse.Namespace, as_of: date) -> int:
    from medhome.messaging.rules import setting

    offsets = sorted({int(d) for d in setting("reminder_days_before")})
    return setup.book_visits(
        [as_of + timedelta(days=n) for n in offsets], per_day=args.per_day, seed=args.seed
    )


def sweep_reminders(at: datetime) -> int:
    from medhome.messaging.services.planning import plan_all_visit_reminders

    return plan_all_visit_reminders(at=at)


def nothing_to_book(args: argparse.Namespace, as_of: date) -> int:
    """Recalls need no bookings: the synthetic panel's overdue children are the recall."""
    return 0


def sweep_recalls(at: datetime) -> int:
    from medhome.messaging.services.recall import plan_all_recalls

    return plan_all_recalls(at=at)


def sweep_recalls_a_week_later(at: datetime) -> int:
    """The steady state: a week after the first sweep (committed by then), the children who
    became overdue that week."""
    from medhome.messaging.services.recall import plan_all_recalls

    return plan_all_recalls(at=at + timedelta(days=7))


def sweep_referral_follow_ups(at: datetime) -> int:
    from medhome.messaging.services.referral_follow_up import plan_all_referral_follow_ups

    return plan_all_referral_follow_ups(at=at)


KINDS = (
    Kind("visit reminders", book_for_reminders, sweep_reminders),
    Kind("recalls", nothing_to_book, sweep_recalls),
    Kind("recalls, a week later", nothing_to_book, sweep_recalls_a_week_later),
    Kind("referral follow-ups", nothing_to_book, sweep_referral_follow_ups),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--practices", type=int, default=4)
    parser.add_argument("--per-day", type=int, help="visits booked a day (default 1.1 %%)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--pg-db", default="medhome_bench_messaging")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-16", help="the sweep's day (a Monday)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the first run into FILE")
    args = parser.parse_args()
    if args.per_day is None:
        args.per_day = round(args.children * 0.011)
    return args


def timed_run(kind: Kind, at: datetime, *, keep: bool, profile: str | None) -> tuple[float, int]:
    from django.db import transaction

    profiler = cProfile.Profile() if profile else None
    with transaction.atomic():
        started = perf_counter()
        if profiler:
            profiler.enable()
        planned = kind.sweep(at)
        if profiler and profile:
            profiler.disable()
            profiler.dump_stats(profile)
        seconds = perf_counter() - started
        if not keep:
            transaction.set_rollback(True)
    return seconds, planned


def main() -> None:
    args = parse_args()
    as_of = date.fromisoformat(args.as_of)
    env = setup.database_env(args.db, pg_db=args.pg_db, sqlite_name="messaging-plan")
    setup.configure(env)
    from django.db import connection

    from medhome.messaging.models import Message
    from medhome.practices.calendar import calendar_of
    from medhome.practices.models import Practice

    print(f"{platform.python_version()} on {platform.platform()}; {connection.vendor}")
    seconds = setup.populate(
        children=args.children, practices=args.practices, seed=args.seed, as_of=as_of
    )
    print(f"synth {args.children:,} children, {args.practices} practices: {seconds:.1f} s")
    consents = setup.grant_consents(datetime.combine(as_of, time(9)).astimezone())
    print(f"consents: {consents:,}")
    zone = calendar_of(Practice.objects.order_by("pk")[0]).zone
    # 09:00 local: before the reminder time, so what is planned waits for 10:00 or the window.
    at = datetime.combine(as_of, time(9), tzinfo=zone)
    for kind in KINDS:
        booked = kind.prepare(args, as_of)
        setup.analyze()
        print(
            f"\n{kind.name}: {booked:,} rows booked for the sweep of {as_of} (load {setup.load()})"
        )
        times = []
        planned = 0
        for run in range(args.runs):
            seconds, planned = timed_run(
                kind, at, keep=False, profile=args.profile if run == 0 else None
            )
            times.append(seconds)
            print(f"  run {run + 1}: {planned:,} planned in {seconds:.2f} s (load {setup.load()})")
        seconds, planned = timed_run(kind, at, keep=True, profile=None)
        statuses: dict[str, int] = {}
        for status in Message.objects.values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        print(f"  committed run: {planned:,} planned in {seconds:.2f} s; rows by status {statuses}")
        again, replanned = timed_run(kind, at, keep=True, profile=None)
        print(f"  again (nothing left to plan): {replanned} planned in {again:.2f} s")
        print(
            f"  {kind.name}: median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s over {args.runs} runs (load {setup.load()})"
        )


if __name__ == "__main__":
    main()
