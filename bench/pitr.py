"""Drill: point-in-time recovery on PostgreSQL (base backup + WAL archive), to the moment before a
mistake, verified with medhome's own restore checks (docs/deploy.md §12).

    sudo .venv/bin/python bench/pitr.py [--children 200]

As root: a throwaway cluster `15 rpitr` on port 5446 with WAL archiving on (archive_command
copies each finished WAL segment into an archive directory; the machine's main cluster is never
touched); medhome migrated there with a one-practice synthetic panel; a base backup taken with
`pg_basebackup`. Then the practice keeps working (an audit event, "before"), the time T is noted,
and a mistake follows (every child's preferred name overwritten by a bad bulk edit, and another
audit event, "after").
A second cluster `15 rpitr2` (port 5447) is filled from the base backup with
`restore_command` reading the archive and `recovery_target_time = T`, and promoted. Checked
there: the "before" event is in, the "after" one is not, no name is the overwritten one, and every
practice's audit chain verifies (`audit.services.verify_chain`). Both clusters and the archive
are removed at the end. Exits non-zero on any difference.
"""

import argparse
import os
import shutil
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import drop_cluster, make_cluster, run_command, verdict  # noqa: E402

SOURCE, RESTORED = ("rpitr", 5446), ("rpitr2", 5447)
DATABASE = "medhome_pitr_drill"
ARCHIVE = Path("/var/lib/postgresql/pitr-drill-archive")
BASE = Path("/var/lib/postgresql/pitr-drill-base")
WRONG = "OVERWRITTEN BY MISTAKE"


def url(cluster: tuple[str, int], database: str = DATABASE) -> str:
    return f"postgresql://postgres@127.0.0.1:{cluster[1]}/{database}"


def conf(cluster: tuple[str, int]) -> Path:
    return Path(f"/etc/postgresql/15/{cluster[0]}/postgresql.conf")


def data(cluster: tuple[str, int]) -> Path:
    return Path(f"/var/lib/postgresql/15/{cluster[0]}")


def as_postgres(*argv: str) -> None:
    run_command("runuser", "-u", "postgres", "--", *argv)


def fresh_directory(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(mode=0o700)
    shutil.chown(path, "postgres", "postgres")


def sql(cluster: tuple[str, int], statement: str, database: str = DATABASE) -> object:
    import psycopg

    with psycopg.connect(url(cluster, database), autocommit=True) as conn:
        cursor = conn.execute(statement)
        row = cursor.fetchone() if cursor.description else None
    return row[0] if row else None


def archiving_cluster() -> None:
    make_cluster(SOURCE[0], SOURCE[1], start=False)
    fresh_directory(ARCHIVE)
    with conf(SOURCE).open("a") as settings:
        settings.write(
            "\n# bench/pitr.py\nwal_level = replica\narchive_mode = on\n"
            f"archive_command = 'test ! -f {ARCHIVE}/%f && cp %p {ARCHIVE}/%f'\n"
        )
    run_command("pg_ctlcluster", "15", SOURCE[0], "start")
    sql(SOURCE, f'CREATE DATABASE "{DATABASE}"', "postgres")


def restored_cluster(target_time: str) -> None:
    """The base backup plus the archive replayed up to `target_time`, then promoted."""
    make_cluster(RESTORED[0], RESTORED[1], start=False)
    shutil.rmtree(data(RESTORED))
    shutil.copytree(BASE, data(RESTORED), symlinks=True)
    run_command("chown", "-R", "postgres:postgres", str(data(RESTORED)))
    with conf(RESTORED).open("a") as settings:
        settings.write(
            "\n# bench/pitr.py\n"
            f"restore_command = 'cp {ARCHIVE}/%f %p'\n"
            f"recovery_target_time = '{target_time}'\n"
            "recovery_target_action = 'promote'\n"
        )
    (data(RESTORED) / "recovery.signal").touch()
    shutil.chown(data(RESTORED) / "recovery.signal", "postgres", "postgres")
    run_command("pg_ctlcluster", "15", RESTORED[0], "start")
    for _ in range(300):
        try:
            if sql(RESTORED, "SELECT NOT pg_is_in_recovery()") is True:
                return
        except Exception:  # noqa: BLE001, S110 - still starting
            pass
        time.sleep(0.2)
    raise RuntimeError("the restored cluster did not finish recovery in 60 s")


def drill(args: argparse.Namespace) -> list[str]:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="medhome.settings", MEDHOME_ENV="bench", DATABASE_URL=url(SOURCE)
    )
    import django

    django.setup()
    from django.db import connections

    from bench.common import one_practice_panel
    from medhome.audit.models import Action, AuditEvent
    from medhome.audit.services import record, verify_chain
    from medhome.core import clock
    from medhome.core.actor import Actor
    from medhome.families.models import Child
    from medhome.ops.backup import database_alias, database_settings
    from medhome.practices.models import Practice

    panel = one_practice_panel(args, "PITR drill", date(2026, 11, 1))
    practice = Practice.objects.get(pk=panel.practice_ids[0])
    children = Child.objects.filter(practice=practice)
    kept = children.count()
    fresh_directory(BASE)
    as_postgres(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(SOURCE[1]), "-U", "postgres",
        "-D", str(BASE), "-X", "stream", "-c", "fast",
    )  # fmt: skip
    print(f"  base backup taken: {kept} children in the practice")

    def event(label: str) -> None:
        record(
            actor=Actor(user=None, practice=practice, role="system"),
            action=Action.VIEW,
            object_type="pitr_drill",
            object_id=practice.pk,
            at=clock.now(),
            detail={"step": label},
        )

    event("before")
    time.sleep(1.0)
    target = str(sql(SOURCE, "SELECT now()::text"))
    time.sleep(1.0)
    overwritten = children.update(preferred_name=WRONG)
    event("after")
    sql(SOURCE, "SELECT pg_switch_wal()")  # the segment holding the mistake reaches the archive
    connections.close_all()
    time.sleep(2.0)
    print(f"  target {target}; then {overwritten} children's names overwritten and one more event")
    run_command("pg_ctlcluster", "15", SOURCE[0], "stop", "-m", "fast")

    started = time.perf_counter()
    restored_cluster(target)
    print(f"  restored to the target and promoted in {time.perf_counter() - started:.1f} s")
    problems = []
    if not overwritten:
        problems.append("the mistake changed nothing: the drill proves nothing")
    with database_alias(database_settings(url(RESTORED))) as alias:
        steps = sorted(
            e.detail["step"]
            for e in AuditEvent.objects.using(alias).filter(object_type="pitr_drill")
        )
        restored = Child.objects.using(alias).filter(practice=practice)
        back, wrong = restored.count(), restored.filter(preferred_name=WRONG).count()
        print(
            f"  on the restored cluster: drill events {steps}, {back} children, {wrong} overwritten"
        )
        if steps != ["before"]:
            problems.append(f"the drill's events after recovery are {steps}, not ['before']")
        if (back, wrong) != (kept, 0):
            problems.append(
                f"{back} children and {wrong} overwritten after recovery, not {kept}, 0"
            )
        for each in Practice.objects.using(alias).all():
            broken = verify_chain(each, using=alias)
            print(f"  audit chain of {each.pk}: {broken or 'intact'}")
            if broken:
                problems.append(f"the audit chain of practice {each.pk} breaks at {broken[:5]}")
    connections.close_all()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    try:
        archiving_cluster()
        problems = drill(args)
    finally:
        drop_cluster(RESTORED[0])
        drop_cluster(SOURCE[0])
        shutil.rmtree(ARCHIVE, ignore_errors=True)
        shutil.rmtree(BASE, ignore_errors=True)
    return verdict(problems, "recovered to the moment before the mistake, audit chains intact")


if __name__ == "__main__":
    sys.exit(main())
