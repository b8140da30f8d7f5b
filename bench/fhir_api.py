"""Benchmark: FHIR reads and search pages under concurrent clients, through gunicorn.

    .venv/bin/python bench/fhir_api.py --children 100000 --db postgres [--clients 20] [--seconds 60]

Makes a fresh database (a SQLite file, or a new PostgreSQL database on
postgres://postgres@127.0.0.1:5432, dropped at the end unless --keep), migrates it and builds a
one-practice synthetic panel (medhome.synth.panel: people, visits, screens, referrals). It mints
a SMART user token (`user/*.rs`) for the practice's pediatrician, starts gunicorn (8 sync workers
unless told otherwise) on loopback against that database, and runs --clients client threads (in
--client-processes processes) for
--seconds, each alternating a read (`GET /fhir/Patient/<id>`, `GET /fhir/Observation/<id>`) and
a search page (`GET /fhir/Observation?patient=<id>`, `GET /fhir/Encounter?patient=<id>&_count=50`,
`GET /fhir/Patient?family=<name>`) over random children, with no think time (`--think-ms` adds
it). It prints p50/p95/p99 of reads and search pages as the clients saw them and as gunicorn's
access log times them, requests per second and every non-200.
Every request goes through the whole stack: the token, the role re-read, the tenancy scope, the
audit append. Targets (issue 20): read p99 < 50 ms, search page p99 < 200 ms at 20 clients on
PostgreSQL with 100k children. Results: docs/benchmarks.md "FHIR API". Synthetic data only.
"""

import argparse
import multiprocessing
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402 - bench is no package
    analyze_and_describe,
    existing_database,
    free_port,
    one_practice_panel,
    percentile,
    run_on_fresh_database,
    server_timings,
)
from common import serve as common_serve  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think-ms", type=float, default=0, help="mean pause between requests (uniform 0–2×)"
    )
    parser.add_argument("--workers", type=int, default=8, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default="sync")
    parser.add_argument(
        "--client-processes", type=int, default=4, help="processes the client threads run in"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", help="a PostgreSQL database kept by an earlier --keep run: migrate it, no panel"
    )
    return parser.parse_args()


def mint_token(practice) -> str:  # type: ignore[no-untyped-def]
    """A user token of the practice's first pediatrician, as the SMART server mints one."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    from medhome.accounts.roles import Role
    from medhome.practices.models import Membership
    from medhome.smart.models import ClientKind, SmartClient, TokenContext

    membership = Membership.objects.filter(practice=practice, role=Role.PEDIATRICIAN).first()
    application = Application.objects.create(
        name="Bench app",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://127.0.0.1:9/callback",
    )
    SmartClient.objects.create(
        application=application,
        practice=practice,
        kind=ClientKind.APP,
        name="Bench app",
        allowed_scopes="user/*.rs",
        created_at=timezone.now(),
    )
    raw = secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=membership.user,
        application=application,
        token=raw,
        expires=timezone.now() + timedelta(hours=4),
        scope="user/*.rs",
    )
    TokenContext.objects.create(access_token=token, practice=practice)
    return raw


def targets(practice, seed: int) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Paths to request, by kind: reads of single resources and search pages."""
    from medhome.families.models import Child
    from medhome.screening.models import Administration

    rng = random.Random(seed)
    children = list(Child.objects.filter(practice=practice).values_list("pk", "legal_family_name"))
    sample = rng.sample(children, min(2000, len(children)))
    screens = list(
        Administration.objects.filter(practice=practice, status="scored").values_list(
            "pk", flat=True
        )[:20000]
    )
    reads = [f"/fhir/Patient/{pk}" for pk, _ in sample]
    reads += [f"/fhir/Observation/{pk}" for pk in rng.sample(screens, min(2000, len(screens)))]
    searches = [f"/fhir/Observation?patient={pk}" for pk, _ in sample[:700]]
    searches += [f"/fhir/Encounter?patient={pk}&_count=50" for pk, _ in sample[700:1400]]
    searches += [f"/fhir/Patient?family={name}" for _, name in sample[1400:2000]]
    return {"read": reads, "search": searches}


def serve(args: argparse.Namespace, port: int, access_log: Path) -> subprocess.Popen:
    return common_serve(
        port,
        access_log,
        [
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            *([f"--threads={args.threads}"] if args.worker_class == "gthread" else []),
        ],
    )


def load(
    args: argparse.Namespace,
    port: int,
    token: str,
    paths: dict[str, list[str]],
    access_log: Path,
) -> None:
    # The clients run in --client-processes processes of threads: 20 threads in one Python
    # process queue behind its one GIL whenever several answers arrive together, which the
    # timings would count as the server's.
    processes = max(1, min(args.client_processes, args.clients))
    groups = [list(range(args.clients))[n::processes] for n in range(processes)]
    # Warm every worker thread (imports, pooled connections) with the same load for a few
    # seconds before timing: a thread's first request opens its connection.
    warm_until = time.time() + 10
    stop_at = warm_until + args.seconds
    jobs = [(port, token, paths, group, warm_until, stop_at, args.think_ms) for group in groups]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(client_process, jobs)
    timings: dict[str, list[float]] = {"read": [], "search": []}
    failures: list[tuple[str, int]] = []
    for process_timings, process_failures in results:
        for kind, values in process_timings.items():
            timings[kind] += values
        failures += process_failures
    total = sum(len(v) for v in timings.values())
    print(
        f"{args.clients} clients in {processes} processes, {args.seconds:.0f} s, "
        f"think {args.think_ms:.0f} ms, gunicorn {server_shape(args)}: "
        f"{total:,} requests, {total / args.seconds:.0f}/s"
    )
    for kind, values in timings.items():
        if values:
            print(
                f"  {kind:6}: n={len(values):,} p50 {percentile(values, 0.5):.1f} ms, "
                f"p95 {percentile(values, 0.95):.1f} ms, p99 {percentile(values, 0.99):.1f} ms"
            )
    print(f"  not 200: {len(failures)} {sorted(set(failures))[:10]}")
    server_side: dict[str, list[float]] = {"read": [], "search": []}
    for path, millis in server_timings(access_log):
        if path.startswith("/fhir/"):
            server_side["read" if path.count("/") == 3 else "search"].append(millis)
    for kind, values in server_side.items():
        if values:
            print(
                f"  {kind:6} in gunicorn: p50 {percentile(values, 0.5):.1f} ms, "
                f"p95 {percentile(values, 0.95):.1f} ms, p99 {percentile(values, 0.99):.1f} ms"
            )


def server_shape(args: argparse.Namespace) -> str:
    if args.worker_class == "sync":
        return f"{args.workers} sync workers"
    return f"{args.workers} gthread workers × {args.threads} threads"


def client_process(
    job: tuple[int, str, dict[str, list[str]], list[int], float, float, float],
) -> tuple[dict[str, list[float]], list[tuple[str, int]]]:
    """One process of client threads: warm until `warm_until`, then time until `stop_at`
    (wall-clock times shared by every process)."""
    import requests

    port, token, paths, numbers, warm_until, stop_at, think_ms = job
    timings: dict[str, list[float]] = {"read": [], "search": []}
    failures: list[tuple[str, int]] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        session.headers["Accept"] = "application/fhir+json"
        # Every kind of request warms (a worker's first search of a kind loads what it needs),
        # marked, so the server-side figures leave it out.
        warm_paths = paths["read"] + paths["search"]
        while time.time() < warm_until:
            session.get(
                f"http://127.0.0.1:{port}{rng.choice(warm_paths)}",
                headers={"X-Bench-Warm-Up": "1"},
                timeout=30,
            )
            if think_ms:
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)
        kind_cycle = ("read", "search")
        turn = number
        while time.time() < stop_at:
            kind = kind_cycle[turn % 2]
            turn += 1
            path = rng.choice(paths[kind])
            started = time.perf_counter()
            answer = session.get(f"http://127.0.0.1:{port}{path}", timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings[kind].append(elapsed)
                if answer.status_code != 200:
                    failures.append((path.split("?")[0].rsplit("/", 1)[0], answer.status_code))
            if think_ms:
                # A random pause averaging --think-ms: with a fixed one, clients that started
                # together keep sending together, in bursts no set of real clients makes.
                time.sleep(rng.uniform(0, 2 * think_ms) / 1000)

    threads = [threading.Thread(target=client, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, failures


def run(args: argparse.Namespace) -> None:
    from django.db import connections

    from medhome.practices.models import Practice

    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        practice = Practice.objects.order_by("name").first()
    else:
        panel = one_practice_panel(args, "FHIR bench network", date(2026, 11, 24))
        practice = Practice.objects.get(pk=panel.practice_ids[0])
    token = mint_token(practice)
    paths = targets(practice, args.seed)
    analyze_and_describe()
    connections.close_all()
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        access_log = Path(scratch) / "access.log"
        server = serve(args, port, access_log)
        try:
            load(args, port, token, paths, access_log)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.reuse:
        existing_database("postgres", arguments.reuse)
        run(arguments)
    else:
        run_on_fresh_database("fhir", arguments, run)
