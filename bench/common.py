"""What the benchmarks on a fresh database share: make it (a SQLite file in the temporary folder,
or a new PostgreSQL database on the local server), set Django up on it, drop it afterwards, and
the percentile of a list of timings; for those that go through HTTP, gunicorn on a free loopback
port with the time of each request in its access log."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def fresh_database(bench: str, children: int, db: str) -> str:
    """A new, empty database for `bench` ("huddle", "programs") and Django set up on it; returns
    its name (the SQLite path or the PostgreSQL database) for `drop_database`."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "medhome.settings"
    os.environ["MEDHOME_ENV"] = "bench"
    if db == "sqlite":
        path = Path(tempfile.gettempdir()) / f"medhome-bench-{bench}-{children}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["MEDHOME_SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
        name = str(path)
    else:
        import psycopg

        name = f"medhome_bench_{bench}_{children}_{os.getpid()}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    return name


def existing_database(db: str, name: str) -> None:
    """Django set up on a database kept by an earlier --keep run (a SQLite path or a PostgreSQL
    database on the local server), for --reuse."""
    os.environ.update(DJANGO_SETTINGS_MODULE="medhome.settings", MEDHOME_ENV="bench")
    if db == "sqlite":
        os.environ["MEDHOME_SQLITE_PATH"] = name
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def drop_database(db: str, name: str, *, keep: bool = False) -> None:
    from django.db import connections

    connections.close_all()
    if keep:
        print(f"Kept database {name}")
        return
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_on_fresh_database(bench: str, args: Any, run: Callable[[Any], None]) -> None:
    """`run(args)` on a new database made for it (args.children, args.db), dropped afterwards
    unless args.keep."""
    name = fresh_database(bench, args.children, args.db)
    try:
        run(args)
    finally:
        drop_database(args.db, name, keep=args.keep)


def one_practice_panel(args: Any, network_name: str, day: Any) -> Any:
    """Migrate, build a one-practice synthetic panel of args.children (one year of history, as of
    the day before `day`) and print how long it took; returns the panel."""
    from datetime import timedelta
    from time import perf_counter

    from django.core.management import call_command

    from medhome.synth.panel import build_panel

    call_command("migrate", verbosity=0)
    started = perf_counter()
    panel = build_panel(
        seed=args.seed,
        children=args.children,
        practice_count=1,
        network_name=f"{network_name} {args.seed}",
        as_of=day - timedelta(days=1),
        history_years=1,
        sick_years=1,
    )
    print(f"Panel: {args.children:,} children, 1 practice, {perf_counter() - started:.1f} s")
    return panel


def feed_panel(args: Any, network_name: str, day: Any) -> tuple[Any, str]:
    """`one_practice_panel`, and a hospital feed token of its practice (the HL7 drills post to
    /feed/events/ with it): the practice and the token."""
    import secrets
    from datetime import datetime

    from medhome.events.credentials import token_digest
    from medhome.events.models import FeedCredential
    from medhome.practices.models import Practice

    panel = one_practice_panel(args, network_name, day)
    practice = Practice.objects.get(pk=panel.practice_ids[0])
    token = secrets.token_urlsafe(32)
    FeedCredential.objects.create(
        practice=practice,
        name=network_name,
        token_digest=token_digest(token),
        created_at=datetime.now().astimezone(),
    )
    return practice, token


def run_command(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)  # noqa: S603


def make_cluster(name: str, port: int, *, start: bool = True) -> None:
    """A throwaway PostgreSQL 15 cluster `name` on `port`, trust on the loopback (replication
    included), replacing one of that name; the machine's main cluster is never touched. Root."""
    drop_cluster(name)
    run_command(
        "pg_createcluster", "15", name, "-p", str(port), *(["--start"] if start else []),
        "--", "--auth=trust",
    )  # fmt: skip


def drop_cluster(name: str) -> None:
    with contextlib.suppress(subprocess.CalledProcessError):
        run_command("pg_dropcluster", "--stop", "15", name)


def verdict(problems: list[str], ok: str) -> int:
    """A drill's ending: each problem as a FAIL line, or its OK line; the exit status."""
    for problem in problems:
        print("FAIL:", problem)
    if not problems:
        print(f"OK: {ok}")
    return 1 if problems else 0


def analyze_and_describe() -> None:
    """ANALYZE the tables the bench wrote, then print the Python, the database and the machine
    (with its load: a loaded machine's figures say so)."""
    import platform

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    print(f"Python {platform.python_version()}, {version}, {os.cpu_count()} CPUs")
    print(platform.platform(), f"load {os.getloadavg()[0]:.1f}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The path and the time the server spent on each request (µs): what the request cost inside
# gunicorn, without the clients' own waiting on these 2 cores. A warm-up request says so in a
# header, so the figures can leave it out.
ACCESS_LOG_FORMAT = "%(U)s %(D)s %({x-bench-warm-up}i)s"


def serve(
    port: int, access_log: Path, options: list[str], env: dict[str, str] | None = None
) -> subprocess.Popen:
    """gunicorn (the project's own, with `options`) on 127.0.0.1:`port` against the database
    this process was set up on, once it answers /healthz; its access log is `access_log`."""
    server = subprocess.Popen(  # noqa: S603 - the project's own gunicorn on loopback
        [
            str(Path(sys.executable).parent / "gunicorn"),
            *options,
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            f"--access-logfile={access_log}",
            f"--access-logformat={ACCESS_LOG_FORMAT}",
            "medhome.wsgi:application",
        ],
        cwd=REPO,
        env={**os.environ, "MEDHOME_ENV": "bench", **(env or {})},
    )
    # Not --preload: workers forked from a loaded app measured slower (FHIR read p99 68–77 ms
    # against 37 ms). Each worker loads the app itself; the clients start once one answers.
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                probe.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if b" 200 " in probe.recv(64).split(b"\r\n", 1)[0]:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def server_timings(access_log: Path) -> list[tuple[str, float]]:
    """(path, milliseconds) of every request gunicorn logged, warm-up left out."""
    time.sleep(1)  # gunicorn's access log is written after each answer
    timings = []
    with access_log.open() as lines:
        for line in lines:
            path, micros, warm_up = line.split()
            if micros.isdigit() and warm_up == "-":
                timings.append((path, int(micros) / 1000))
    return timings
