"""Drill: a storm of HL7 v2 ADT messages on the real feed; every message stored once, every
resend acknowledged and not applied again, every hospital stay ending as its messages say.

    .venv/bin/python bench/hl7_storm.py [--messages 10000] [--db sqlite|postgresql]
        [--via http|service] [--children 300] [--concurrency 4] [--workers 2]

Makes a fresh database (bench/common.py), a one-practice synthetic panel (medhome.synth) and a
hospital feed token, serves it with gunicorn (MEDHOME_ENV=bench) and POSTs the messages to
/feed/events/ over HTTP from `--concurrency` threads: about 55% inpatient stays (A01 then A03,
a fifth of them with the A03 sent first), the rest ED visits (A04), and a tenth of the messages
resent with their control id (MSH-10) unchanged, anywhere in the stream. Exits non-zero unless
every answer is an AA, each distinct message is PROCESSED once, each resend is a DUPLICATE of it
with the same answer, each stay is one admission ended at its A03's time with one follow-up task
due two business days after it, and each ED visit is one emergency event. `--via service`
calls the view's one service call (`events.services.receive_hl7`) from the threads instead of
HTTP: the same transactions and races, without the HTTP and gunicorn cost (on a shared 2-core
machine HTTP made 10,000 messages a quarter of an hour).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import REPO, drop_database, feed_panel, fresh_database, verdict  # noqa: E402

FACILITY = "STORM GENERAL"


def adt(event: str, control: str, child, *, visit: str, klass: str, start: datetime, end=None):
    pv1 = ["PV1", "1", klass, "PEDS^^^STORM"] + [""] * 15 + [visit] + [""] * 24
    pv1 += [f"{start:%Y%m%d%H%M%S}", f"{end:%Y%m%d%H%M%S}" if end else ""]
    return "\r".join(
        [
            f"MSH|^~\\&|STORMEHR|{FACILITY}|MEDHOME|PEDS|{start:%Y%m%d%H%M%S}||"
            f"ADT^{event}^ADT_A01|{control}|P|2.5.1",
            f"EVN|{event}|{start:%Y%m%d%H%M%S}",
            f"PID|1||{child.mrn}^^^STORM^MR||{child.legal_family_name}^{child.legal_given_name}"
            f"||{child.date_of_birth:%Y%m%d}|U",
            "|".join(pv1),
        ]
    )


def plan_storm(children: list, total: int, seed: int) -> tuple[list[str], dict, dict, int]:
    """The messages in sending order; stays {visit: (child, end)}; ED visits {visit: child};
    how many are resends."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible storm, not a secret)
    resends = total // 10
    distinct: list[str] = []
    stays: dict[str, tuple] = {}
    eds: dict[str, object] = {}
    reordered: set[str] = set()
    day = datetime(2026, 3, 2, 8, 0)
    n = 0
    while len(distinct) < total - resends:
        child = rng.choice(children)
        start = day + timedelta(minutes=7 * n)
        if rng.random() < 0.55 and len(distinct) + 2 <= total - resends:
            visit, end = f"IP{n}", start + timedelta(hours=rng.randint(6, 96))
            stays[visit] = (child, end)
            admit = adt("A01", f"S{n}A01", child, visit=visit, klass="I", start=start)
            home = adt("A03", f"S{n}A03", child, visit=visit, klass="I", start=start, end=end)
            if rng.random() < 0.2:
                reordered.add(visit)
                distinct += [home, admit]
            else:
                distinct += [admit, home]
        else:
            visit = f"ED{n}"
            eds[visit] = child
            distinct.append(adt("A04", f"E{n}A04", child, visit=visit, klass="E", start=start))
        n += 1
    # Each resend goes somewhere after its original: the stream keeps a stay's chosen order,
    # and the threads' concurrency reorders neighbours further.
    stream = list(distinct)
    for raw in rng.sample(distinct, resends):
        at = stream.index(raw)
        stream.insert(rng.randint(at + 1, len(stream)), raw)
    print(f"{len(stream):,} messages: {len(stays):,} stays ({len(reordered):,} A03 first), "
          f"{len(eds):,} ED visits, {resends:,} resends")  # fmt: skip
    return stream, stays, eds, resends


def post_all(stream: list[str], url: str, token: str, concurrency: int) -> list[str]:
    """POST each message in order from `concurrency` threads; the failures, by number."""
    local = threading.local()
    failures: list[str] = []

    def post(index_raw: tuple[int, str]) -> None:
        index, raw = index_raw
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.headers.update(
                {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}
            )
        response = local.session.post(url, data=raw.encode(), timeout=60)
        if response.status_code != 200 or "MSA|AA|" not in response.text:
            failures.append(f"#{index}: {response.status_code} {response.text[:120]!r}")

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(post, enumerate(stream), chunksize=1))
    return failures


def check_state(practice, stream, stays, eds, resends) -> list[str]:
    from django.db.models import Count

    from medhome.events.models import CareEvent, InboundMessage, MessageStatus
    from medhome.practices.calendar import add_business_days, calendar_of
    from medhome.tasks.models import Task, TaskKind

    problems = []
    stored = InboundMessage.objects.filter(practice=practice)
    by_status = dict(stored.values_list("status").annotate(n=Count("id")))
    distinct = len(set(stream))
    want = {MessageStatus.PROCESSED: distinct, MessageStatus.DUPLICATE: resends}
    if by_status != want:
        problems.append(f"messages by status {by_status}, expected {want}")
    per_raw = stored.values("raw").annotate(n=Count("id"))
    sent = {raw: stream.count(raw) for raw in set(stream)} if len(stream) < 50_000 else {}
    for row in per_raw:
        if sent and row["n"] != sent.get(row["raw"]):
            problems.append("a message stored a different number of times than it was sent")
            break
    for dup in stored.filter(status=MessageStatus.DUPLICATE).select_related("duplicate_of"):
        original = dup.duplicate_of
        if original is None or original.raw != dup.raw or original.response != dup.response:
            problems.append(f"duplicate {dup.pk} does not point at its original")
            break
    events = {e.visit_number: e for e in CareEvent.objects.filter(practice=practice)}
    if len(events) != len(stays) + len(eds):
        problems.append(f"{len(events)} events for {len(stays) + len(eds)} hospital visits")
    tasks = Task.objects.filter(practice=practice, kind=TaskKind.TRANSITION_FOLLOW_UP)
    due = dict(tasks.values_list("source_id", "due_at"))
    per_source = tasks.values("source_id").annotate(n=Count("id")).filter(n__gt=1)
    if per_source.exists():
        problems.append("a hospital visit has more than one follow-up task")
    calendar = calendar_of(practice)
    wrong = 0
    for visit, (child, end) in stays.items():
        event = events.get(visit)
        if (
            event is None
            or event.kind != "admission"
            or event.child_id != child.pk
            # HL7 times are local; compared in UTC, because Python never finds a wall-clock
            # time in the spring-forward gap equal to a time in another zone (PEP 495).
            or event.ended_at != end.replace(tzinfo=calendar.zone).astimezone(UTC)
            or due.get(str(event.pk)) != add_business_days(event.ended_at, 2, calendar=calendar)
        ):
            wrong += 1
    for visit, child in eds.items():
        event = events.get(visit)
        if event is None or event.kind != "emergency" or event.child_id != child.pk:
            wrong += 1
    if wrong:
        problems.append(f"{wrong} hospital visits not in the state their messages make")
    return problems


def receive_all(stream: list[str], practice, concurrency: int) -> list[str]:
    """--via service: the feed view's one call, from `concurrency` threads (each its own
    database connection), without HTTP; the failures, by number."""
    from django.db import connection

    from medhome.core import clock
    from medhome.events import services

    failures: list[str] = []

    def receive(index_raw: tuple[int, str]) -> None:
        index, raw = index_raw
        try:
            ack, _message = services.receive_hl7(practice=practice, raw=raw, at=clock.now())
        finally:
            connection.close_if_unusable_or_obsolete()
        if "MSA|AA|" not in ack:
            failures.append(f"#{index}: {ack[-120:]!r}")

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(receive, enumerate(stream), chunksize=1))
    return failures


def serve(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 - the project's own server
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(REPO / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--max-requests", "0"],
        cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--via", choices=["http", "service"], default="http")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    name = fresh_database("hl7storm", args.children, args.db)
    proc = None
    try:
        from medhome.families.models import Child

        practice, token = feed_panel(args, "Storm", date(2026, 3, 2))
        children = list(Child.objects.filter(practice=practice).exclude(mrn="").order_by("pk"))
        stream, stays, eds, resends = plan_storm(children, args.messages, args.seed)
        from django.db import connections

        connections.close_all()
        started = time.perf_counter()
        if args.via == "service":
            failures = receive_all(stream, practice, args.concurrency)
            how = f"through the service, {args.concurrency} threads"
        else:
            env = {**os.environ, "MEDHOME_LOG_LEVEL": "WARNING"}
            log = Path(tempfile.gettempdir()) / f"medhome-hl7-storm-{os.getpid()}.log"
            proc = serve(env, args.port, args.workers, log)
            started = time.perf_counter()
            url = f"http://127.0.0.1:{args.port}/feed/events/"
            failures = post_all(stream, url, token, args.concurrency)
            how = f"over HTTP, {args.concurrency} threads, {args.workers} gunicorn workers"
        seconds = time.perf_counter() - started
        print(f"{len(stream):,} messages {how}, {args.db}: {seconds:.0f} s "
              f"({len(stream) / seconds:.0f} messages/s)")  # fmt: skip
        problems = failures[:5] + check_state(practice, stream, stays, eds, resends)
        return verdict(
            problems,
            "every distinct message stored and applied once, every resend a duplicate, every "
            "stay an admission ended at its discharge with one task",
        )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        drop_database(args.db, name, keep=args.keep)


if __name__ == "__main__":
    raise SystemExit(main())
