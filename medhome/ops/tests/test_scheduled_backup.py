"""The worker's nightly backup (ops.scheduled): written where MEDHOME_BACKUPS says, restorable,
sealed when asked, the newest `keep` kept and nothing else in the directory touched."""

import stat
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from medhome.jobs import registry
from medhome.ops.backup import restore_backup
from medhome.ops.scheduled import nightly_backup

from .test_backup import _url, as_default, backup_key, migrated_template, populate, scratch

__all__ = ["backup_key", "migrated_template", "scratch"]  # fixtures, used by name

pytestmark = pytest.mark.django_db
NIGHT = datetime(2026, 12, 1, 6, 15, tzinfo=UTC)


def test_the_job_is_on_the_workers_schedule_at_a_quarter_past_one():
    job = registry.get("ops.nightly_backup")
    assert job is not None and job.run is nightly_backup
    assert (job.every, job.offset) == (timedelta(days=1), timedelta(hours=1, minutes=15))


def test_without_a_directory_the_job_writes_nothing(settings, tmp_path):
    settings.MEDHOME_BACKUPS = {"directory": "", "keep": 14, "encrypt_to": ""}
    assert nightly_backup(now=NIGHT) == 0


def test_nightly_backups_restore_and_only_the_newest_are_kept(settings, scratch, tmp_path):
    directory = tmp_path / "backups"
    settings.MEDHOME_BACKUPS = {"directory": str(directory), "keep": 2, "encrypt_to": ""}
    source = scratch("source")
    populate(source)
    directory.mkdir(mode=0o700)
    others = [directory / "notes.txt", directory / "medhome-by-hand.dump"]
    for path in others:
        path.write_text("the operator's")
    with as_default(source):
        for night in range(3):
            assert nightly_backup(now=NIGHT + timedelta(days=night)) == 1
    names = sorted(p.name for p in directory.iterdir() if p not in others)
    suffix = "dump" if source["ENGINE"].endswith("postgresql") else "sqlite3"
    newest = [f"medhome-20261202T061500Z.{suffix}", f"medhome-20261203T061500Z.{suffix}"]
    assert names == sorted([*newest, *(f"{n}.json" for n in newest)])
    assert all(path.read_text() == "the operator's" for path in others)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    result = restore_backup(directory / newest[-1], into=scratch("target", migrated=False))
    assert result.ok, result


def test_a_sealed_nightly_backup_leaves_no_clear_file_and_restores(
    settings, scratch, tmp_path, backup_key, capsys
):
    directory = tmp_path / "backups"
    settings.MEDHOME_BACKUPS = {"directory": str(directory), "keep": 1, "encrypt_to": backup_key}
    source = scratch("source")
    populate(source)
    with as_default(source):
        nightly_backup(now=NIGHT)
        nightly_backup(now=NIGHT + timedelta(days=1))
    names = sorted(p.name for p in directory.iterdir())
    assert len(names) == 2 and all(name.endswith(".gpg") for name in names)
    assert all("20261202T061500Z" in name for name in names)
    backup = next(p for p in directory.iterdir() if not p.name.endswith(".json.gpg"))
    target = _url(scratch("target", migrated=False))
    call_command("restore", "--from", str(backup), "--into-url", target)
    assert "restore verified" in capsys.readouterr().out
