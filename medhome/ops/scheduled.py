"""Backups on the worker's schedule (deploy.md §12): when MEDHOME_BACKUPS names a directory, the
daily job `ops.nightly_backup` writes `medhome-<UTC stamp>.<dump|sqlite3>` and its manifest
there (ops.backup), sealed to MEDHOME_BACKUPS["encrypt_to"] when it is set (ops.sealed), then
keeps the newest `keep` of the backups it wrote and removes the older ones with their
manifests. It never touches a file whose name it did not give. Without a directory the job does
nothing: the installation backs up another way (pgBackRest, a storage snapshot).

Run twice for one night (the queue delivers at least once: a worker killed after the backup and
before its bookkeeping), it writes a second backup under the later time, which the pruning
counts like any other: never a backup lost, at worst one extra for `keep` nights."""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .backup import Backup, manifest_path, take_backup
from .sealed import SUFFIX as SEALED_SUFFIX
from .sealed import refuse_existing, seal

logger = logging.getLogger(__name__)
PREFIX = "medhome-"
WRITTEN = re.compile(rf"^{PREFIX}(\d{{8}}T\d{{6}}Z)\.(dump|sqlite3)({re.escape(SEALED_SUFFIX)})?$")


@dataclass(frozen=True)
class Written:
    backup: Backup
    files: list[Path]  # the backup and its manifest, as left on disk (sealed or not)


def write_backup(
    to: Path, *, at: datetime, alias: str = DEFAULT_DB_ALIAS, encrypt_to: str | None = None
) -> Written:
    """A backup and its manifest at `to`; sealed to `encrypt_to` with no clear file left."""
    if encrypt_to:
        refuse_existing(to)
    backup = take_backup(to, at=at, alias=alias)
    files = [backup.path, manifest_path(backup.path)]
    if encrypt_to:
        files = seal(files, encrypt_to)
    return Written(backup=backup, files=files)


def nightly_backup(*, now: datetime) -> int:
    """The job: 1 when a backup was written, 0 when none is configured."""
    config: dict[str, Any] = settings.MEDHOME_BACKUPS
    if not config.get("directory"):
        return 0
    directory = Path(config["directory"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    suffix = "dump" if connections[DEFAULT_DB_ALIAS].vendor == "postgresql" else "sqlite3"
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    written = write_backup(
        directory / f"{PREFIX}{stamp}.{suffix}",
        at=now,
        encrypt_to=str(config.get("encrypt_to") or "") or None,
    )
    removed = prune(directory, keep=int(config["keep"]))
    # File names and counts only: the backup's content is every child's record.
    logger.info(
        "backup %s written (%d tables); %d older removed",
        written.files[0].name,
        len(written.backup.manifest["row_counts"]),
        len(removed),
    )
    return 1


def prune(directory: Path, *, keep: int) -> list[Path]:
    """Remove all but the newest `keep` (at least one) backups this job wrote, each with its
    manifest; the paths removed."""
    ours = sorted(
        (path for path in directory.iterdir() if WRITTEN.match(path.name)),
        key=lambda path: path.name,
    )
    removed: list[Path] = []
    for old in ours[: -max(keep, 1)]:
        sealed = old.name.endswith(SEALED_SUFFIX)
        plain = old.with_name(old.name.removesuffix(SEALED_SUFFIX)) if sealed else old
        manifest = manifest_path(plain)
        if sealed:
            manifest = manifest.with_name(manifest.name + SEALED_SUFFIX)
        for path in (old, manifest):
            if path.exists():
                path.unlink()
                removed.append(path)
    return removed
