"""Benchmark and drill: the worker sends due messages to the local SMS gateway.

    .venv/bin/python bench/messaging_send.py --messages 5000 --db postgres
    .venv/bin/python bench/messaging_send.py --messages 5000 --db sqlite
    .venv/bin/python bench/messaging_send.py --messages 2000 --kill 2   # the kill -9 drill

Migrates a fresh database, writes a synthetic panel (medhome.synth), lets every caregiver with a
phone agree to texts, books --messages visits for tomorrow (one child per family, families who
named no availability windows) and plans their reminders with the real sweep; the reminders are
then made due now. Then it starts the real processes on the loopback address —
`manage.py run_sms_gateway` and `manage.py run_worker` (--workers of them; the first schedules)
under bench/messaging_settings.py (quiet hours set aside so any hour of the day sends) — and
polls the database until every reminder has gone. Prints messages/s while sending (the minute
job sends up to 45 s a run; a batch of more than that waits for the next minute's run, so the
wall-clock rate is printed too).

--senders N: beside the worker(s), N `manage.py send_due_messages --loop` processes claim small
batches at once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one conditional UPDATE per message);
without --kill no sender retries, so a key sent twice is a message two senders claimed: a failure.

--kill N: SIGKILL the worker(s) N times in the middle of sending and start new ones (the claim
is shortened to --claim-seconds so the messages a dead worker held go again soon). Either way it
ends by checking against the gateway's own record: every planned reminder was accepted exactly
once under its key, none is missing, nothing else was accepted, each message's recorded id is
the one the gateway gave, and how many sends repeated a key (a sender retrying a message whose
answer it never recorded). Exits non-zero when a message is lost or duplicated.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))

import messaging_setup as setup  # noqa: E402 - the bench directory is not a package

REPO = setup.REPO
SETTINGS = "bench.messaging_settings"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--pg-db", default="medhome_bench_send")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8026)
    parser.add_argument("--kill", type=int, default=0, help="SIGKILL the workers this many times")
    parser.add_argument(
        "--senders",
        type=int,
        default=0,
        help="also run this many `manage.py send_due_messages --loop` at once, claiming small "
        "batches beside the worker(s): several senders on one database",
    )
    parser.add_argument("--claim-seconds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    return parser.parse_args()


def prepare(args: argparse.Namespace) -> list[str]:
    """The due reminders; returns the keys the gateway should receive."""
    from django.utils import timezone

    from medhome.families.models import AvailabilityWindow
    from medhome.messaging import jobs as messaging_jobs
    from medhome.messaging.models import Message, MessageKind, MessageStatus
    from medhome.messaging.services.planning import plan_all_visit_reminders
    from medhome.practices.calendar import calendar_of
    from medhome.practices.models import Practice

    now = datetime.now().astimezone()
    # A few children more than families: one child a family, and some have no phone.
    seconds = setup.populate(
        children=args.messages * 3, practices=2, seed=args.seed, as_of=timezone.localdate(now)
    )
    zone = calendar_of(Practice.objects.order_by("pk")[0]).zone
    today = now.astimezone(zone).date()
    consents = setup.grant_consents(now, all_texts=True)
    AvailabilityWindow.objects.all().delete()
    booked = setup.book_visits(
        [today + timedelta(days=1)], per_day=args.messages, seed=args.seed, one_per_family=True
    )
    planned = plan_all_visit_reminders(at=now)
    # The worker's other planning jobs run at its start too: planned here first (each is
    # idempotent on its keys, so they plan nothing then) and set aside, so the run sends the
    # reminders alone.
    for job in ("plan_recalls", "plan_referral_follow_ups", "plan_discharge_check_ins"):
        getattr(messaging_jobs, job)(now=now)
    Message.objects.exclude(kind=MessageKind.VISIT_REMINDER).update(
        status=MessageStatus.SUPPRESSED, error_code="bench"
    )
    # Due now rather than at 10:00 local: the bench measures the sender, not the clock.
    due = Message.objects.filter(status__in=[MessageStatus.PLANNED, MessageStatus.HELD])
    due.update(status=MessageStatus.PLANNED, send_after=now - timedelta(minutes=1))
    keys = [
        f"{practice}:{key}"
        for practice, key in Message.objects.filter(status=MessageStatus.PLANNED).values_list(
            "practice_id", "idempotency_key"
        )
    ]
    setup.analyze()
    print(
        f"synth {args.messages * 3:,} children {seconds:.1f} s; {consents:,} text consents; "
        f"{booked:,} visits tomorrow; {planned:,} reminders planned, {len(keys):,} due now"
    )
    return keys


def counts() -> tuple[int, int]:
    """(sent, still to go) from the database."""
    from django.db import connection

    from medhome.messaging.models import WAITING, Message, MessageStatus

    sent = Message.objects.filter(status=MessageStatus.SENT).count()
    left = Message.objects.filter(status__in=[*WAITING, MessageStatus.SENDING]).count()
    connection.close()  # no transaction or snapshot held between polls
    return sent, left


def gateway_record(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/messages", timeout=30) as answer:  # noqa: S310
        return json.load(answer)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux /proc): what a message costs the
    worker whatever else the machine is doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(command: list[str], env: dict[str, str], log: IO[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log)  # noqa: S603


def main() -> int:
    args = parse_args()
    db_env = setup.database_env(args.db, pg_db=args.pg_db, sqlite_name="messaging-send")
    env = {
        **os.environ,
        **db_env,
        "MEDHOME_ENV": "bench",
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(REPO),
        "MEDHOME_SMS_GATEWAY_URL": f"http://127.0.0.1:{args.port}",
        # Receipts go nowhere (the discard port refuses at once): no web server in the bench.
        "MEDHOME_PUBLIC_URL": "http://127.0.0.1:9",
        "MEDHOME_WORKER_TICK_SECONDS": "1",
        "MEDHOME_WORKER_DEAD_AFTER_SECONDS": "3",
        "MEDHOME_BENCH_CLAIM_SECONDS": str(args.claim_seconds if args.kill else 120),
        "MEDHOME_LOG_LEVEL": "WARNING",
    }
    if not db_env.get("DATABASE_URL"):
        env.pop("DATABASE_URL", None)
    os.environ.update({k: v for k, v in env.items() if k.startswith("MEDHOME_")})
    setup.configure(db_env, SETTINGS)
    keys = prepare(args)
    manage = [sys.executable, str(REPO / "manage.py")]
    log = open(Path(tempfile.gettempdir()) / f"medhome-bench-send-{args.db}.log", "w")  # noqa: SIM115
    gateway = start(
        [*manage, "run_sms_gateway", "--port", str(args.port), "--delay", "0.5"], env, log
    )
    time.sleep(2)
    worker_args = [*manage, "run_worker", "--interval", "0.2", "--no-startup-delay"]

    def workers_up() -> list[subprocess.Popen[bytes]]:
        return [
            start(worker_args + ([] if n == 0 else ["--no-scheduler"]), env, log)
            for n in range(args.workers)
        ]

    workers = workers_up()
    senders = [
        start([*manage, "send_due_messages", "--loop", "--every", "0.2", "--limit", "10"], env, log)
        for _n in range(args.senders)
    ]
    started = time.monotonic()
    timeline: list[tuple[float, int]] = []
    kills_done = 0
    cpu = 0.0
    try:
        while time.monotonic() - started < args.timeout:
            sent, left = counts()
            timeline.append((time.monotonic() - started, sent))
            if left == 0:
                break
            target = len(keys) * (kills_done + 1) // (args.kill + 2)
            if kills_done < args.kill and sent >= target:
                cpu += sum(cpu_seconds(w.pid) for w in workers)
                for worker in workers:
                    worker.send_signal(signal.SIGKILL)
                    worker.wait()
                kills_done += 1
                print(f"  SIGKILL worker(s) {[w.pid for w in workers]} with {sent:,} sent")
                workers = workers_up()
            time.sleep(0.25)
        record = gateway_record(args.port)
        cpu += sum(cpu_seconds(w.pid) for w in workers)
        record["worker_cpu"] = cpu
    finally:
        for process in [*workers, *senders, gateway]:
            process.send_signal(signal.SIGTERM)
        for process in [*workers, *senders, gateway]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    return report(args, keys, timeline, record)


def report(
    args: argparse.Namespace, keys: list[str], timeline: list[tuple[float, int]], record: dict
) -> int:
    from medhome.messaging.models import Message, MessageStatus

    sends = [t for (t, n), (_t0, n0) in zip(timeline[1:], timeline, strict=False) if n > n0]
    first = next((t for t, n in timeline if n > 0), 0.0)
    total = timeline[-1][1] if timeline else 0
    last = timeline[-1][0] if timeline else 0.0
    active = sum(t - t0 for (t, n), (t0, n0) in zip(timeline[1:], timeline, strict=False) if n > n0)
    accepted = record["messages"]
    accepted_keys = [m["key"] for m in accepted]
    distinct = set(accepted_keys)
    expected = set(keys)
    missing = len(expected - distinct)
    # Before the timeout every message left had gone; after it, what is missing is late.
    finished = total == len(keys)
    lost = missing if finished else 0
    extra = len(distinct - expected)
    duplicated = len(accepted_keys) - len(distinct)
    sids = {m["key"]: m["sid"] for m in accepted}
    rows = Message.objects.filter(status=MessageStatus.SENT).values_list(
        "practice_id", "idempotency_key", "gateway_message_id"
    )
    mismatched = sum(1 for p, k, sid in rows if sids.get(f"{p}:{k}") != sid)
    print(
        f"{args.db}, {args.workers} worker(s) and {args.senders} more sender(s), "
        f"{len(keys):,} due: {total:,} sent; "
        f"first after {first:.1f} s, last after {last:.1f} s"
    )
    if sends and active:
        print(
            f"  {total / active:,.0f} messages/s while sending ({active:.1f} s), "
            f"{total / max(last - first, 1e-9):,.0f}/s from the first to the last "
            f"(load {setup.load()})"
        )
    print(
        f"  worker CPU {record['worker_cpu']:.1f} s: "
        f"{record['worker_cpu'] * 1000 / max(len(accepted_keys), 1):.1f} ms a message"
    )
    if not finished:
        print(f"  TIMEOUT: {missing:,} not sent when the run stopped (not counted as lost)")
    print(
        f"  gateway: {len(accepted_keys):,} accepted, {len(distinct):,} distinct keys, "
        f"{record.get('repeats', 0)} sends repeated a key; "
        f"{lost} lost, {duplicated} duplicated, {extra} unexpected, {mismatched} ids mismatched"
    )
    # Without a kill no sender ever retries: a repeated key is a message two senders claimed.
    repeats = 0 if args.kill else int(record.get("repeats", 0))
    if repeats:
        print(f"  {repeats} message(s) sent by two senders")
    ok = finished and lost == duplicated == extra == mismatched == repeats == 0
    print("passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
