"""Drill: PostgreSQL faults under a serving medhome — a request's connection terminated in the
middle of its transaction, then the database server restarted — without restarting medhome.

    .venv/bin/python bench/pg_faults.py [--recover-within 10]   (as root: it makes a cluster)

Makes its OWN throwaway cluster (`pg_createcluster 15 drill -p 5440`, trust on the loopback;
dropped at the end — the machine's main cluster on 5432 is never touched), migrates a medhome
database in it, builds a small synthetic panel with a hospital feed token, and serves it with
gunicorn (gunicorn.conf.py, MEDHOME_ENV=bench: the connection pool production uses).

1. pg_terminate_backend mid-transaction: the drill locks the hospital-visit table, POSTs an
   HL7 A04 to the feed, waits until that request's backend is blocked inside its transaction,
   terminates it, and releases the lock. The request must answer 5xx without the child's name or
   MRN, leave no visit and no task (the raw message alone, stored before parsing), and the
   sender's resend of the same message must be applied (AA, one visit, one task).
2. Restart: while two threads keep asking /readyz (its database check) and a page that reads
   the database, `pg_ctlcluster 15 drill restart`; the drill measures the seconds from the restart
   until every probe succeeds again, and fails past --recover-within.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import REPO, drop_cluster, make_cluster, run_command, verdict  # noqa: E402

CLUSTER = ["15", "drill"]
PORT = 5440
SERVER = f"postgresql://postgres@127.0.0.1:{PORT}"
DATABASE = "medhome_drill"


def make_drill_cluster() -> None:
    make_cluster(CLUSTER[1], PORT)
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')


def setup_medhome() -> tuple[str, object]:
    """Migrate, a 30-child panel, a feed token; the token and a child."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="medhome.settings",
        MEDHOME_ENV="bench",
        DATABASE_URL=f"{SERVER}/{DATABASE}",
    )
    import django

    django.setup()
    from bench.common import feed_panel
    from medhome.families.models import Child

    practice, token = feed_panel(SimpleNamespace(seed=5, children=30), "Drill", date(2026, 3, 2))
    child = Child.objects.filter(practice=practice).exclude(mrn="").first()
    from django.db import connections

    connections.close_all()
    return token, child


def a04(child) -> str:
    pv1 = ["PV1", "1", "E", "ED^^^DRILL"] + [""] * 15 + ["DRILL-V1"] + [""] * 24
    pv1 += ["20260302083000", ""]
    return "\r".join(
        [
            "MSH|^~\\&|DRILL|DRILL HOSP|MEDHOME|PEDS|20260302083000||ADT^A04^ADT_A01|D1|P|2.5.1",
            "EVN|A04|20260302083000",
            f"PID|1||{child.mrn}^^^DRILL^MR||{child.legal_family_name}^{child.legal_given_name}"
            f"||{child.date_of_birth:%Y%m%d}|U",
            "|".join(pv1),
        ]
    )


def terminate_mid_transaction(base: str, token: str, child) -> list[str]:
    import psycopg

    from medhome.events.models import CareEvent, InboundMessage
    from medhome.tasks.models import Task

    problems = []
    feed = f"{base}/feed/events/"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}
    answer: dict[str, requests.Response] = {}
    with (
        psycopg.connect(f"{SERVER}/{DATABASE}") as locker,
        psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True) as admin,
    ):
        locker.execute("LOCK TABLE events_careevent IN SHARE ROW EXCLUSIVE MODE")
        poster = threading.Thread(
            target=lambda: answer.update(
                r=requests.post(feed, data=a04(child), headers=headers, timeout=60)
            )  # fmt: skip
        )
        poster.start()
        blocked = None
        for _ in range(200):
            blocked = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
                "'Lock' AND state = 'active' AND pid <> pg_backend_pid()",
                [DATABASE],
            ).fetchone()
            if blocked:
                break
            time.sleep(0.05)
        if blocked is None:
            return ["the feed request never blocked inside its transaction"]
        admin.execute("SELECT pg_terminate_backend(%s)", [blocked[0]])
        locker.rollback()
        poster.join(60)
    response = answer["r"]
    print(f"terminated backend {blocked[0]} mid-transaction: the request answered "
          f"{response.status_code}")  # fmt: skip
    if response.status_code < 500:
        problems.append(f"the cut request answered {response.status_code}, not 5xx")
    if child.mrn in response.text or child.legal_family_name in response.text:
        problems.append("the cut request's answer carries PHI")
    if CareEvent.objects.exists() or Task.objects.filter(kind="transition_follow_up").exists():
        problems.append("the cut request left a visit or a task (half-written)")
    stored = InboundMessage.objects.get()
    if stored.status != "accepted" or not stored.idempotency_key.startswith("pending:"):
        problems.append(f"the cut message is {stored.status} {stored.idempotency_key[:8]}")
    started = time.perf_counter()
    retry = requests.post(feed, data=a04(child), headers=headers, timeout=60)
    print(f"the sender's resend: {retry.status_code} in {time.perf_counter() - started:.2f} s")
    if retry.status_code != 200 or "MSA|AA|D1" not in retry.text:
        problems.append(f"the resend answered {retry.status_code}")
    tasks = Task.objects.filter(kind="transition_follow_up").count()
    if CareEvent.objects.count() != 1 or tasks != 1:
        problems.append(f"after the resend: {CareEvent.objects.count()} visits, {tasks} tasks")
    from django.db import connections

    connections.close_all()
    return problems


def restart_while_serving(base: str, recover_within: float) -> list[str]:
    """Probe /readyz's database check and a page that reads the database, restart the cluster."""
    stop = threading.Event()
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()

    def probe() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                ready = session.get(f"{base}/readyz", timeout=5)
                page = session.post(f"{base}/feed/events/", data=b"x", timeout=5,
                                    headers={"Authorization": "Bearer not-a-token"})  # fmt: skip
                ok = ready.json()["checks"]["database"]["ok"] and page.status_code == 401
            except (requests.RequestException, ValueError, KeyError):
                ok = False
            with lock:
                results.append((time.monotonic(), bool(ok)))
            time.sleep(0.05)

    threads = [threading.Thread(target=probe) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    restarted = time.monotonic()
    run_command("pg_ctlcluster", *CLUSTER, "restart")
    back = time.monotonic()
    time.sleep(max(recover_within, 5) + 2)
    stop.set()
    for thread in threads:
        thread.join(10)
    before = [ok for at, ok in results if at < restarted]
    failures = [at for at, ok in results if at >= restarted and not ok]
    last_failure = max(failures, default=restarted)
    recovered = last_failure - restarted
    after = [ok for at, ok in results if at > last_failure]
    print(f"restart took {back - restarted:.1f} s; {len(failures)} failed probes; every probe "
          f"succeeded again {recovered:.1f} s after the restart began "
          f"({len(after)} successes since)")  # fmt: skip
    problems = []
    if not all(before):
        problems.append("probes failed before the restart")
    if recovered > recover_within or not after:
        problems.append(f"not recovered within {recover_within} s")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recover-within", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8793)
    args = parser.parse_args()
    make_drill_cluster()
    gunicorn = None
    try:
        token, child = setup_medhome()
        log = Path(tempfile.gettempdir()) / f"medhome-pg-faults-{os.getpid()}.log"
        gunicorn = subprocess.Popen(  # noqa: S603 - the project's own server
            [str(Path(sys.executable).parent / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{args.port}", "--workers", "2"],
            cwd=REPO, env={**os.environ, "MEDHOME_LOG_LEVEL": "WARNING"},
            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(120):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=2).ok:
                    break
            time.sleep(0.5)
        problems = terminate_mid_transaction(base, token, child)
        problems += restart_while_serving(base, args.recover_within)
        if gunicorn.poll() is not None:
            problems.append("gunicorn exited")
        return verdict(
            problems,
            "the cut request failed cleanly and its resend applied; medhome recovered from the "
            "restart on its own",
        )
    finally:
        if gunicorn is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        drop_cluster(CLUSTER[1])


if __name__ == "__main__":
    raise SystemExit(main())
