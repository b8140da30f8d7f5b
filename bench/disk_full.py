"""Drill: the file system under a running SQLite deployment fills up; the server says so, nothing
is half-saved, the database stays sound, and the refused message goes in once space is back.

    sudo .venv/bin/python bench/disk_full.py [--size-mb 96] [--children 100] [--headroom-kb 256]

As root (it mounts a file system): a tmpfs of --size-mb at a temporary directory, a fresh SQLite
database on it (WAL, as deployed) with a small synthetic panel and a hospital feed token,
gunicorn (gunicorn.conf.py, 2 workers) on it, and a filler file that takes all the tmpfs's free
space but --headroom-kb. Then HL7 ADT A04 messages (each a new ED visit) are POSTed one at a time
to /feed/events/ until the server refuses one. Exits non-zero unless:
- the refusal is a 503 with the storage page ("run out of storage space"), not a 500 or an AA;
- every message answered AA is stored once and applied (one emergency event each), and the
  refused one left nothing: no stored message, no event, no task;
- `PRAGMA integrity_check` answers ok, with the server still running;
- once the filler is removed, the refused message sent again is answered AA and applied once,
  and the database is still sound.
The tmpfs is unmounted at the end. Synthetic data only. Results: docs/benchmarks.md, "Fault
drills".
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import feed_panel, free_port, fresh_database, verdict  # noqa: E402
from bench.hl7_storm import adt, serve  # noqa: E402

STORAGE_PAGE = "run out of storage space"


def fill(directory: Path, headroom: int) -> Path:
    """A file taking every free byte of `directory`'s file system but `headroom`."""
    free = os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize
    filler = directory / "filler"
    with filler.open("wb") as out:
        out.truncate(0)
        os.posix_fallocate(out.fileno(), 0, max(free - headroom, 0))
    return filler


def integrity(path: str) -> str:
    with sqlite3.connect(path) as check:
        return str(check.execute("PRAGMA integrity_check").fetchone()[0])


def run(args: argparse.Namespace, mount: Path) -> list[str]:
    tempfile.tempdir = str(mount)  # fresh_database puts the SQLite file in the temporary dir
    path = fresh_database("diskfull", args.children, "sqlite")
    from django.db import connections

    from medhome.events.models import CareEvent, InboundMessage
    from medhome.families.models import Child

    practice, token = feed_panel(args, "Disk full", date(2026, 11, 2))
    children = list(Child.objects.filter(practice=practice).exclude(mrn="").order_by("pk"))
    connections.close_all()

    port = free_port()
    env = {**os.environ, "MEDHOME_LOG_LEVEL": "WARNING"}
    proc = serve(env, port, 2, mount / "gunicorn.log")
    problems: list[str] = []
    try:
        filler = fill(mount, args.headroom_kb * 1024)
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
        url = f"http://127.0.0.1:{port}/feed/events/"
        start = datetime(2026, 11, 2, 9, 0)
        accepted: list[str] = []
        refused: tuple[str, requests.Response] | None = None
        for number in range(args.max_messages):
            child = children[number % len(children)]
            raw = adt("A04", f"FULL{number:06d}", child, visit=f"EDFULL{number:06d}",
                      klass="E", start=start + timedelta(minutes=number))  # fmt: skip
            answer = session.post(url, data=raw.encode(), timeout=60)
            if answer.status_code == 200 and "MSA|AA|" in answer.text:
                accepted.append(f"EDFULL{number:06d}")
                continue
            refused = (raw, answer)
            break
        if refused is None:
            return [f"the disk never filled after {args.max_messages} messages"]
        raw, answer = refused
        print(f"{len(accepted)} messages accepted, then: {answer.status_code}")
        if answer.status_code != 503 or STORAGE_PAGE not in answer.text:
            problems.append(f"refused with {answer.status_code}, not the 503 storage page")
        stored = InboundMessage.objects.filter(practice=practice)
        events = set(
            CareEvent.objects.filter(practice=practice).values_list("visit_number", flat=True)
        )
        if stored.count() != len(accepted) or stored.filter(raw=raw).exists():
            problems.append(f"{stored.count()} messages stored for {len(accepted)} accepted")
        if events != set(accepted):
            problems.append(f"{len(events)} ED events for {len(accepted)} accepted messages")
        checked = integrity(path)
        print(f"integrity_check with the disk full and the server up: {checked}")
        if checked != "ok":
            problems.append(f"integrity_check: {checked}")

        filler.unlink()
        again = session.post(url, data=raw.encode(), timeout=60)
        print(f"the refused message again, with space: {again.status_code}")
        number = len(accepted)
        if again.status_code != 200 or "MSA|AA|" not in again.text:
            problems.append(f"the resend answered {again.status_code}")
        elif (
            stored.filter(raw=raw).count() != 1
            or CareEvent.objects.filter(visit_number=f"EDFULL{number:06d}").count() != 1
        ):
            problems.append("the resend was not stored and applied exactly once")
        checked = integrity(path)
        print(f"integrity_check after: {checked}")
        if checked != "ok":
            problems.append(f"integrity_check after: {checked}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        connections.close_all()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=96)
    parser.add_argument("--children", type=int, default=100)
    parser.add_argument("--headroom-kb", type=int, default=256)
    parser.add_argument("--max-messages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the drill mounts a tmpfs")
    mount = Path(tempfile.mkdtemp(prefix="medhome-disk-full-"))
    subprocess.run(  # noqa: S603 - a fixed command on a directory this process made
        ["mount", "-t", "tmpfs", "-o", f"size={args.size_mb}m", "tmpfs", str(mount)],  # noqa: S607
        check=True,
    )
    try:
        problems = run(args, mount)
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=False)  # noqa: S603, S607
        mount.rmdir()
    return verdict(
        problems,
        "a 503 that says the disk is full, nothing half-saved, the database sound, and the "
        "refused message applied once when space came back",
    )


if __name__ == "__main__":
    raise SystemExit(main())
