"""Drill: a PostgreSQL streaming read replica serving the measures, and medhome passing it over
for the primary when it falls behind or goes away (issue 21, part 7).

    sudo .venv/bin/python bench/replica.py [--children 300] [--max-lag 5]

As root: makes two throwaway clusters (`pg_createcluster 15 rprimary -p 5442`, and
`15 rreplica -p 5443` made with `pg_basebackup -R` from the first, so it streams from it; both
dropped at the end — the machine's main cluster on 5432 is never touched), migrates a medhome
database on the primary, builds a one-practice synthetic panel and its measures summary (the
worker's recompute), and runs medhome in this process with DATABASE_URL = the primary and
MEDHOME_REPLICA_URL = the replica (lag checked on every read, bound --max-lag seconds). Each
step opens the practice's measures dashboard as its admin, counting where its queries go:

1. streaming and caught up: the figures are read from the replica, everything else from the
   primary; a recompute of the summary reads its rows from the replica (pg_stat_database's rows
   read grow there); a Bulk Data export would read the replica (caught_up_alias);
2. replay paused on the replica (`pg_wal_replay_pause()`) and the summary recomputed on the
   primary: within the bound the replica still serves (the old figures); past it the figures
   come from the primary (the new ones) and an export reads the primary;
3. replay resumed: the replica catches up and serves the new figures again; then the primary
   stays idle past the bound and writes WAL with no transaction in it (as a checkpoint does):
   the replica still serves (its last replayed transaction is old, but it is behind by nothing);
4. the replica stopped: the primary serves, the page answers 200, /readyz stays ready and says
   the replica is not serving.
Exits non-zero on any difference.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import drop_cluster, make_cluster, run_command, verdict  # noqa: E402

PRIMARY, REPLICA = ("rprimary", 5442), ("rreplica", 5443)
DATABASE = "medhome_replica_drill"


def url(cluster: tuple[str, int], database: str = DATABASE) -> str:
    return f"postgresql://postgres@127.0.0.1:{cluster[1]}/{database}"


def make_replica() -> None:
    """The replica cluster: made, emptied, filled by a base backup of the primary that
    streams from it (-R writes standby.signal and primary_conninfo), started."""
    make_cluster(REPLICA[0], REPLICA[1], start=False)
    data = Path(f"/var/lib/postgresql/15/{REPLICA[0]}")
    subprocess.run(["find", str(data), "-mindepth", "1", "-delete"], check=True)  # noqa: S603,S607
    run_command(
        "runuser", "-u", "postgres", "--", "pg_basebackup", "-h", "127.0.0.1",
        "-p", str(PRIMARY[1]), "-U", "postgres", "-D", str(data), "-R", "-X", "stream",
        "-c", "fast",  # the primary's checkpoint at once, not spread over minutes
    )  # fmt: skip
    run_command("pg_ctlcluster", "15", REPLICA[0], "start")


def setup(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Primary: migrate, a panel, its summary; then the replica from it. Django set up with
    both. The practice and its admin."""
    import psycopg

    make_cluster(PRIMARY[0], PRIMARY[1])
    with psycopg.connect(url(PRIMARY, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ.update(
        DJANGO_SETTINGS_MODULE="medhome.settings",
        MEDHOME_ENV="bench",
        DATABASE_URL=url(PRIMARY),
        MEDHOME_REPLICA_URL=url(REPLICA),
        MEDHOME_REPLICA_CHECK_SECONDS="0",
        MEDHOME_REPLICA_MAX_LAG_SECONDS=str(args.max_lag),
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from bench.common import one_practice_panel
    from medhome.accounts.roles import Role
    from medhome.core import clock
    from medhome.measures import services
    from medhome.practices.models import Membership, Practice

    panel = one_practice_panel(args, "Replica drill", date(2026, 11, 1))
    practice = Practice.objects.get(pk=panel.practice_ids[0])
    services.recompute(practice, at=clock.now(), today=clock.today(), keys=["dev", "wcv"])
    admin, _ = get_user_model().objects.get_or_create(username="replica-drill-admin")
    Membership.objects.get_or_create(user=admin, practice=practice, role=Role.PRACTICE_ADMIN)
    make_replica()
    return practice, admin


class Counted(list):
    """Statements run on one connection (an execute wrapper)."""

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.append(sql)
        return execute(sql, params, many, context)


def dashboard(practice, admin) -> tuple[int, str, dict[str, list[str]]]:  # type: ignore[no-untyped-def]
    """The dashboard's status, its "computed at" stamp, and its statements by alias."""
    import re

    from django.db import connections
    from django.test import Client

    from medhome.practices.middleware import SESSION_PRACTICE_KEY

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    session = client.session
    session[SESSION_PRACTICE_KEY] = str(practice.pk)
    session.save()
    found: dict[str, list[str]] = {}
    with (
        connections["default"].execute_wrapper(found.setdefault("default", Counted())),
        connections["replica"].execute_wrapper(found.setdefault("replica", Counted())),
    ):
        response = client.get("/measures/")
    stamp = re.search(rb"Figures computed at ([0-9/: ]+)", response.content)
    return response.status_code, stamp.group(1).decode() if stamp else "", found


def figures_on(found: dict[str, list[str]]) -> set[str]:
    return {
        alias for alias, sql in found.items() if any("measures_measurefigure" in s for s in sql)
    }


def _lag_check(sql: str) -> bool:
    return sql.lstrip().startswith("SELECT NOT pg_is_in_recovery()")


def rows_read(cluster: tuple[str, int]) -> int:
    """Rows the cluster's backends have read from the drill's database so far."""
    import psycopg

    with psycopg.connect(url(cluster), autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        found = conn.execute(
            "SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = %s",
            [DATABASE],
        ).fetchone()
    return int(found[0]) if found else 0


def replica_sql(statement: str, cluster: tuple[str, int] = REPLICA) -> None:
    import psycopg

    with psycopg.connect(url(cluster), autocommit=True) as conn:
        conn.execute(statement)


def drill(practice, admin, args: argparse.Namespace) -> list[str]:  # type: ignore[no-untyped-def]
    from django.db import connections
    from django.test import Client

    from medhome.core import clock, replica
    from medhome.measures import services

    problems: list[str] = []

    def expect(step: str, status: int, stamp: str, found, alias: str, wanted_stamp: str) -> None:  # type: ignore[no-untyped-def]
        print(f"  {step}: {status}, figures read on {sorted(figures_on(found))}, stamp {stamp!r}")
        if status != 200 or figures_on(found) != {alias}:
            problems.append(f"{step}: the figures were read on {figures_on(found)}, not {alias}")
        read = [s for s in found.get("replica", []) if not _lag_check(s)]
        if alias != "replica" and read:
            problems.append(f"{step}: the replica was read though it should not serve")
        if wanted_stamp and stamp != wanted_stamp:
            problems.append(f"{step}: stamp {stamp!r}, wanted {wanted_stamp!r}")
        if any("measures_measurefigure" not in s for s in read):
            problems.append(f"{step}: something besides the figures was read on the replica")

    for _ in range(50):  # the base backup's end replayed
        if replica.lag(fresh=True).seconds == 0:
            break
        time.sleep(0.2)
    status, first_stamp, found = dashboard(practice, admin)
    expect("1 streaming", status, first_stamp, found, "replica", "")
    # The recompute's engine reads the replica: rows read there grow, the primary's hardly.
    before = {side: rows_read(side) for side in (PRIMARY, REPLICA)}
    services.recompute(practice, at=clock.now(), today=clock.today(), keys=["dev", "wcv"])
    connections.close_all()
    time.sleep(11)  # an idle backend's counts reach pg_stat_database within 10 s (PostgreSQL 15)
    read = {side[0]: rows_read(side) - before[side] for side in (PRIMARY, REPLICA)}
    print(f"  recompute while caught up: rows read {read}")
    if read[REPLICA[0]] <= 3 * max(read[PRIMARY[0]], 1):
        problems.append(f"1: the recompute did not read from the replica ({read})")
    for _ in range(50):
        if replica.lag(fresh=True).seconds == 0:
            break
        time.sleep(0.2)
    status, first_stamp, found = dashboard(practice, admin)
    if replica.caught_up_alias() != "replica":
        problems.append("1: a caught-up replica was not used for an export")

    replica_sql("SELECT pg_wal_replay_pause()")
    # Stamped an hour on, so the page tells the new figures from the old (it shows minutes).
    later = clock.now() + timedelta(hours=1)
    services.recompute(practice, at=later, today=clock.today(), keys=["dev", "wcv"])
    status, stamp, found = dashboard(practice, admin)
    lagging = replica.lag(fresh=True).seconds
    print(f"  replay paused, summary recomputed on the primary: lag {lagging}")
    if lagging is not None and lagging <= args.max_lag:
        expect("2a paused, within the bound", status, stamp, found, "replica", first_stamp)
    time.sleep(args.max_lag + 1.5)
    status, new_stamp, found = dashboard(practice, admin)
    expect("2b paused, past the bound", status, new_stamp, found, "default", "")
    if replica.caught_up_alias(wait_seconds=1) != "default":
        problems.append("2b: an export would read a replica that lacks commits")

    replica_sql("SELECT pg_wal_replay_resume()")
    for _ in range(50):
        if replica.lag(fresh=True).seconds == 0:
            break
        time.sleep(0.2)
    status, stamp, found = dashboard(practice, admin)
    expect("3 resumed", status, stamp, found, "replica", new_stamp)

    # An idle primary: nothing committed for longer than the bound, then WAL with no transaction
    # in it (what a checkpoint writes). The replica's last replayed transaction is older than the
    # bound, but it has fallen behind by nothing.
    time.sleep(args.max_lag + 1.5)
    replica_sql("SELECT pg_logical_emit_message(false, 'medhome-drill', 'idle')", PRIMARY)
    since_replay = replica._replayed(replica._primary_position())[1]
    idle = replica.lag(fresh=True)
    print(
        f"  idle primary, WAL without a transaction: lag {idle.seconds} "
        f"(the last replayed transaction {since_replay:.1f} s ago)"
    )
    if not idle.serves:
        problems.append(f"3b: an idle primary made a healthy replica look behind ({idle.seconds})")

    run_command("pg_ctlcluster", "15", REPLICA[0], "stop", "-m", "fast")
    connections["replica"].close()
    status, stamp, found = dashboard(practice, admin)
    expect("4 replica stopped", status, stamp, found, "default", new_stamp)
    ready = Client(HTTP_HOST="127.0.0.1").get("/readyz")
    body = ready.json()
    print(
        f"  /readyz with the replica stopped: {ready.status_code} {body['checks'].get('replica')}"
    )
    if body["checks"].get("replica", {}).get("serving") is not False:
        problems.append("4: /readyz does not say the replica is not serving")
    if body["checks"]["database"]["ok"] is not True:
        problems.append("4: the primary's database check failed")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-lag", type=int, default=5)
    args = parser.parse_args()
    try:
        practice, admin = setup(args)
        problems = drill(practice, admin, args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_cluster(REPLICA[0])
        drop_cluster(PRIMARY[0])
    return verdict(problems, "the replica served while it kept up, the primary otherwise")


if __name__ == "__main__":
    sys.exit(main())
