"""Load test: staff users of one practice through gunicorn, with locust (issue 21, part 4).

    .venv/bin/python bench/load_test.py --children 100000 --db postgres --users 50 --minutes 10
    .venv/bin/python bench/load_test.py --db sqlite --users 20 --minutes 10
    .venv/bin/python bench/load_test.py --db postgres --reuse NAME --users 50 --no-think

Makes a fresh database (as bench/common.py does: a SQLite file, or a new PostgreSQL database
dropped at the end unless --keep; --reuse takes one kept earlier), builds a one-practice
synthetic panel of --children and books today's clinic day on it (bench/huddle.py's 40-visit
day: links, alerts, hospital stays, priorities). It adds --users colleagues (pediatricians,
nurses and care coordinators in turn), each with a password and a TOTP authenticator set up
as allauth's own activation does, and a share of the panel as theirs, whose completed well-child
visits get the EHR's growth measurements (growth_records), so their charts draw growth plots as a
practice's do. gunicorn then serves it
with the production configuration (gunicorn.conf.py; --workers overrides its worker count) and
MEDHOME_REQUIRE_MFA on, so every colleague signs in with both steps, and locust
(bench/load/locustfile.py) runs headless on loopback for --minutes: 2-10 s think time and the
realistic mix, or with --no-think only Today and the chart as fast as they answer (saturation).

Prints p50/p95/p99, errors and pages per second for each page and overall as the clients saw
them (locust's CSV) and p50/p99 inside gunicorn (its access log), then checks the targets:
with think time, p99 < 200 ms on every page and no error; with --no-think, >= 100 pages/s of
Today and the chart together. Exits 1 when a target is missed. Sign-in is reported apart and
left out of the targets (the password hash is slow by design). Results: docs/benchmarks.md
"Load". Synthetic data only.
"""

import argparse
import csv
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402 - bench is no package
    REPO,
    analyze_and_describe,
    existing_database,
    free_port,
    one_practice_panel,
    percentile,
    run_on_fresh_database,
    serve,
    server_timings,
)

P99_MS = 200
SATURATION_PAGES_PER_SECOND = 100
PASSWORD = "load-test-only-synthetic"  # noqa: S105 - a synthetic colleague on a bench database
CHILDREN_PER_COLLEAGUE = 400
# gunicorn's access log has the path only: each page of the mix by its path.
PAGES = [
    ("today", re.compile(r"^/screening/today/$")),
    ("chart", re.compile(r"^/children/[0-9a-f-]{36}/$")),
    ("huddle", re.compile(r"^/huddle/$")),
    ("search", re.compile(r"^/children/$")),
    ("tasks", re.compile(r"^/tasks/$")),
    ("screening entry", re.compile(r"^/(children/[0-9a-f-]{36}/screening/|screening/forms/)")),
    ("referral update", re.compile(r"^/referrals/[0-9a-f-]{36}/(change/)?$")),
    ("sign-in", re.compile(r"^/accounts/")),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    # allauth allows 30 logins a minute from one address (per gunicorn worker: its cache is the
    # process's own); all users come from 127.0.0.1, so they are started at most that fast.
    parser.add_argument("--spawn-rate", type=float, default=0.5, help="users started per second")
    parser.add_argument("--no-think", action="store_true", help="saturation: Today and the chart")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's default)")
    parser.add_argument("--visits", type=int, default=40, help="today's booked visits")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", help="a database kept by --keep (SQLite path or PG name)")
    return parser.parse_args()


def colleagues(practice, count: int, seed: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """`count` staff of the practice with a password and a TOTP authenticator (allauth's own
    activation), each with a share of the panel's children (id, name, a caregiver)."""
    import random

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from medhome.accounts.models import User
    from medhome.accounts.roles import Role
    from medhome.families.models import Caregiver, Child
    from medhome.practices.models import Membership

    rng = random.Random(seed)
    rows = list(
        Child.objects.filter(practice=practice, memberships__ends_on__isnull=True).values_list(
            "pk", "legal_family_name", "family_id"
        )[:50_000]
    )
    caregiver_of = dict(
        Caregiver.objects.filter(family_id__in={family for _, _, family in rows}).values_list(
            "family_id", "pk"
        )
    )
    children = [
        {"id": str(pk), "name": name, "caregiver": str(caregiver_of[family])}
        for pk, name, family in rows
        if family in caregiver_of
    ]
    roles = (Role.PEDIATRICIAN, Role.NURSE, Role.CARE_COORDINATOR)
    run = secrets.token_hex(3)  # a --reuse run adds its own colleagues beside earlier ones
    made = []
    for number in range(count):
        user = User.objects.create_user(
            username=f"load{run}-{number}@bench.synthetic", password=PASSWORD
        )
        Membership.objects.create(user=user, practice=practice, role=roles[number % 3])
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        made.append(
            {
                "username": user.username,
                "secret": secret,
                "children": rng.sample(children, min(CHILDREN_PER_COLLEAGUE, len(children))),
            }
        )
    assert Authenticator.objects.filter(user__username__startswith=f"load{run}-").count() == count
    return made


def open_referrals(practice, seed: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Referrals the practice may still move on (some state to change to)."""
    import random

    from medhome.referrals.models import Referral
    from medhome.referrals.services.referral import practice_transitions

    sample = list(Referral.objects.filter(practice=practice).order_by("pk")[:3000])
    random.Random(seed).shuffle(sample)
    return [str(r.pk) for r in sample if practice_transitions(r)][:1000]


def growth_records(practice, child_ids: set[str], seed: int) -> int:  # type: ignore[no-untyped-def]
    """The EHR's growth measurements at each completed well-child visit of these children, as
    a practice's record holds them (the synthetic EHR's own anthropometry: weight, length or
    height, head circumference to 24 months, BMI from 2 years), so the chart the load test
    opens draws its growth plots. Only for children with none yet; how many rows were added."""
    import random
    from decimal import Decimal

    from django.utils import timezone

    from medhome.ehr.models import Observation
    from medhome.families.models import Child
    from medhome.synth.ehr.anthropometry import draw_body, measure
    from medhome.visits.models import Visit, VisitKind, VisitStatus

    measured = {
        str(pk)
        for pk in Observation.objects.filter(practice=practice, child_id__in=child_ids)
        .values_list("child_id", flat=True)
        .distinct()
    }
    wanted = [pk for pk in child_ids if pk not in measured]
    visits: dict[object, list] = defaultdict(list)
    for child_id, starts_at in Visit.objects.filter(
        child_id__in=wanted, kind=VisitKind.WELL_CHILD, status=VisitStatus.COMPLETED
    ).values_list("child_id", "starts_at"):
        visits[child_id].append(timezone.localdate(starts_at))
    rng, now, rows = random.Random(seed), timezone.now(), []
    today = timezone.localdate()
    for child in Child.objects.filter(pk__in=wanted).only(
        "pk", "practice_id", "mrn", "date_of_birth", "sex_at_birth", "gestational_age_weeks"
    ):
        months_now = (today - child.date_of_birth).days / 30.4375
        body = draw_body(
            rng,
            sex=child.sex_at_birth,
            gestational_weeks=child.gestational_age_weeks,
            age_months=months_now,
        )
        # One measurement a day (the source key is unique per practice), at each visit's day.
        for day in sorted(set(visits.get(child.pk, []))):
            m = measure(rng, body, (day - child.date_of_birth).days / 30.4375)
            found = [("weight", m.weight_kg), ("length" if m.lying else "height", m.stature_cm)]
            if m.head_cm is not None:
                found.append(("head_circumference", m.head_cm))
            if not m.lying:
                found.append(("bmi", m.bmi))
            rows += [
                Observation(
                    practice_id=child.practice_id,
                    child_id=child.pk,
                    kind=kind,
                    code="",
                    value=Decimal(f"{value:.1f}"),
                    unit="",
                    effective_on=day,
                    source_key=f"load|{child.mrn}|{kind}|{day.isoformat()}",
                    content_hash="0",
                    imported_at=now,
                )
                for kind, value in found
            ]
    Observation.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def prepare(args: argparse.Namespace, plan_path: Path) -> None:
    """The panel (or the kept one), today's clinic day, the colleagues; the plan as JSON."""
    from django.core.management import call_command
    from django.utils import timezone
    from huddle import book_the_day  # bench/huddle.py: a busy clinic day, not a second copy

    from medhome.practices.models import Practice
    from medhome.visits.models import Visit

    today = timezone.localdate()
    if args.reuse:
        call_command("migrate", verbosity=0)
        practice = Practice.objects.order_by("name").first()
    else:
        panel = one_practice_panel(args, "Load test network", today)
        practice = Practice.objects.get(pk=panel.practice_ids[0])
    if not Visit.objects.filter(practice=practice, starts_at__date=today).exists():
        _site, counts = book_the_day(practice.pk, today, args.visits, args.seed)
        print("Today: " + ", ".join(f"{key} {n}" for key, n in counts.items()))
    plan = {
        "password": PASSWORD,
        "users": colleagues(practice, args.users, args.seed),
        "referrals": open_referrals(practice, args.seed),
    }
    charted = {child["id"] for user in plan["users"] for child in user["children"]}
    print(f"Growth measurements added: {growth_records(practice, charted, args.seed)}")
    plan_path.write_text(json.dumps(plan))
    analyze_and_describe()


def run_locust(args: argparse.Namespace, port: int, scratch: Path) -> Path:
    prefix = scratch / "locust"
    subprocess.run(  # noqa: S603 - the project's own locust on loopback
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(REPO / "bench/load/locustfile.py"),
            "--headless",
            f"--host=http://127.0.0.1:{port}",
            f"--users={args.users}",
            f"--spawn-rate={args.spawn_rate}",
            f"--run-time={round(args.minutes * 60)}s",
            f"--csv={prefix}",
            "--only-summary",
            "--loglevel=WARNING",
        ],
        cwd=REPO,
        env={
            **os.environ,
            "MEDHOME_LOAD_PLAN": str(scratch / "plan.json"),
            "MEDHOME_LOAD_NO_THINK": "1" if args.no_think else "0",
        },
        check=False,  # locust exits 1 on any failed request: the targets below say so
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise SystemExit("locust wrote no figures: see its error above")
    return stats


def report(args: argparse.Namespace, stats_csv: Path, access_log: Path) -> list[str]:
    """Print the figures; return the targets missed."""
    with stats_csv.open() as rows:
        stats = list(csv.DictReader(rows))
    server: dict[str, list[float]] = defaultdict(list)
    for path, millis in server_timings(access_log):
        page = next((name for name, pattern in PAGES if pattern.match(path)), "other")
        server[page].append(millis)
        if page not in ("sign-in", "other"):  # other: /healthz probes, the landing page
            server["Aggregated"].append(millis)
    mode = "no think time (saturation)" if args.no_think else "2-10 s think time"
    print(f"{args.users} users, {args.minutes:g} min, {mode} (ms; gunicorn's: every method)")
    print(f"  {'page':21} {'n':>7} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6} {'pages/s':>8}"
          f"   in gunicorn p50 / p99")  # fmt: skip
    missed = []
    pages = 0.0
    for row in stats:
        name = row["Name"]
        p50, p95, p99 = (float(row[k] or 0) for k in ("50%", "95%", "99%"))
        errors, rate = int(row["Failure Count"]), float(row["Requests/s"])
        inside = server.get(name, [])
        print(
            f"  {(row['Type'] + ' ' + name).strip():21} {int(row['Request Count']):>7} "
            f"{errors:>4} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f} {rate:>8.1f}   "
            + (f"{percentile(inside, 0.5):.0f} / {percentile(inside, 0.99):.0f}" if inside else "")
        )
        if name in ("sign-in", "Aggregated"):
            continue
        pages += rate
        if errors:
            missed.append(f"{row['Type']} {name}: {errors} errors")
        if not args.no_think and p99 >= P99_MS:
            missed.append(f"{row['Type']} {name}: p99 {p99:.0f} ms")
    if server.get("other"):
        print(f"  other paths in gunicorn: {len(server['other'])}")
    print(f"  pages/s without sign-in: {pages:.1f}")
    if args.no_think and pages < SATURATION_PAGES_PER_SECOND:
        missed.append(f"{pages:.1f} pages/s < {SATURATION_PAGES_PER_SECOND}")
    print("Targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    return missed


def run(args: argparse.Namespace) -> None:
    from django.db import connections

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        prepare(args, scratch / "plan.json")
        connections.close_all()
        port = free_port()
        access_log = scratch / "access.log"
        workers = [f"--workers={args.workers}"] if args.workers else []
        server = serve(
            port,
            access_log,
            ["--config=gunicorn.conf.py", *workers],
            env={"MEDHOME_REQUIRE_MFA": "1"},
        )
        try:
            stats_csv = run_locust(args, port, scratch)
        finally:
            server.terminate()
            server.wait(timeout=30)
        missed = report(args, stats_csv, access_log)
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.reuse:
        existing_database(arguments.db, arguments.reuse)
        run(arguments)
    else:
        run_on_fresh_database("load", arguments, run)
