"""Drill: kill -9 a real worker in the middle of a job; nothing is lost and nothing is done twice.

    .venv/bin/python bench/worker_kill.py [--items 400] [--kills 2]

Migrates a fresh SQLite file in a temporary directory, fills a table of N "due" items, and starts
`manage.py run_worker` (MEDHOME_ENV=demo, the database queue) with this module as an extra job
module: its job `drill.deliver` is a state sweep like a message sender — for each due item without
a delivery row, write one (check and write in one transaction), a few milliseconds each. The
delivery table has no unique constraint, so a duplicate would show. The drill waits until some
deliveries are written, kills the worker with SIGKILL, starts a new one, and repeats; the last
worker recovers the task the dead one left RUNNING (after MEDHOME_WORKER_DEAD_AFTER_SECONDS) and
finishes. Exits non-zero unless every item has exactly one delivery, the run succeeded, and the
queue row shows each killed worker. About 30 s; not part of the test suite for that reason.
"""

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
JOB = "drill.deliver"
STEP_SECONDS = 0.005


def deliver(*, now: datetime) -> int:
    """The sweep the worker runs: one delivery per due item that has none yet."""
    from django.db import connection, transaction

    delivered = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM drill_due ORDER BY id")
        due = [row[0] for row in cursor.fetchall()]
    for item in due:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM drill_delivery WHERE item = %s", [item])
            if cursor.fetchone() is None:
                cursor.execute(
                    "INSERT INTO drill_delivery (item, pid) VALUES (%s, %s)", [item, os.getpid()]
                )
                delivered += 1
        time.sleep(STEP_SECONDS)  # the gateway's round trip
    return delivered


if os.environ.get("MEDHOME_EXTRA_JOB_MODULES", "").split(",").count(__name__):
    # Imported by the worker (JobsConfig.ready): register the drill's job, daily so the slot
    # cannot change during the drill.
    from medhome.jobs.registry import DAY, register

    register(JOB, deliver, every=DAY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--kills", type=int, default=2)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="medhome-worker-kill-"))
    database = workdir / "drill.sqlite3"
    env = {
        **os.environ,
        "MEDHOME_ENV": "demo",
        "MEDHOME_SQLITE_PATH": str(database),
        "MEDHOME_EXTRA_JOB_MODULES": "bench.worker_kill",
        "MEDHOME_WORKER_TICK_SECONDS": "1",
        "MEDHOME_WORKER_DEAD_AFTER_SECONDS": "3",
        "MEDHOME_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }
    manage = [sys.executable, str(REPO / "manage.py")]
    started = time.monotonic()
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=REPO)  # noqa: S603
    db = sqlite3.connect(database, timeout=20, isolation_level=None)
    db.execute("CREATE TABLE drill_due (id INTEGER PRIMARY KEY)")
    db.execute("CREATE TABLE drill_delivery (id INTEGER PRIMARY KEY, item INTEGER, pid INTEGER)")
    db.executemany("INSERT INTO drill_due (id) VALUES (?)", [(i,) for i in range(args.items)])

    def delivered() -> int:
        return db.execute("SELECT count(*) FROM drill_delivery").fetchone()[0]

    log = open(workdir / "worker.log", "w")  # noqa: SIM115 - shared by the workers, closed below
    worker_args = [*manage, "run_worker", "--interval", "0.2", "--no-startup-delay"]
    pids = []
    for kill in range(args.kills):
        worker = subprocess.Popen(worker_args, env=env, cwd=REPO, stdout=log, stderr=log)  # noqa: S603
        pids.append(worker.pid)
        target = args.items * (kill + 1) // (args.kills + 2)
        deadline = time.monotonic() + 60
        while delivered() < target and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        print(f"killed worker pid {worker.pid} (SIGKILL) with {delivered()} of {args.items} done")
    last = subprocess.Popen(worker_args, env=env, cwd=REPO, stdout=log, stderr=log)  # noqa: S603
    deadline = time.monotonic() + 120
    status = None
    while time.monotonic() < deadline:
        row = db.execute("SELECT status, attempts FROM jobs_jobrun WHERE job = ?", [JOB]).fetchone()
        status = row[0] if row else None
        if status in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    last.send_signal(signal.SIGTERM)
    last.wait(timeout=30)
    log.close()

    count, distinct = db.execute(
        "SELECT count(*), count(DISTINCT item) FROM drill_delivery"
    ).fetchone()
    lost = db.execute(
        "SELECT count(*) FROM drill_due WHERE id NOT IN (SELECT item FROM drill_delivery)"
    ).fetchone()[0]
    attempts = db.execute("SELECT attempts FROM jobs_jobrun WHERE job = ?", [JOB]).fetchone()
    workers = db.execute(
        "SELECT q.worker_ids FROM django_tasks_database_dbtaskresult q"
        " JOIN jobs_jobrun r ON replace(r.task_id, '-', '') = replace(q.id, '-', '')"
        " WHERE r.job = ?",
        [JOB],
    ).fetchall()
    print(
        f"run {status} after {attempts[0] if attempts else '?'} attempt(s); "
        f"queue rows' workers: {[w[0] for w in workers]}"
    )
    print(f"{count} deliveries for {args.items} items: {lost} lost, {count - distinct} duplicated")
    ok = status == "succeeded" and lost == 0 and count == distinct == args.items
    ok = ok and attempts is not None and attempts[0] == args.kills + 1
    if ok:
        shutil.rmtree(workdir)
        print(f"{time.monotonic() - started:.1f} s: passed")
    else:
        print(f"{time.monotonic() - started:.1f} s: FAILED; the database and log are in {workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
