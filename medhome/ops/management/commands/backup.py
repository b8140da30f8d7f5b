"""`manage.py backup --to PATH`: a consistent backup of the database and its manifest beside it
(ops.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.core import clock
from medhome.ops.backup import BackupError, manifest_path, take_backup


class Command(BaseCommand):
    help = (
        "Back the database up to PATH (pg_dump or SQLite's online backup) with PATH.json beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="the backup file to write")
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, to: Path, database: str, **options) -> None:
        try:
            backup = take_backup(to, at=clock.now(), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = backup.manifest
        rows = sum(count or 0 for count in manifest["row_counts"].values())
        self.stdout.write(
            f"backup {backup.path} ({backup.path.stat().st_size} bytes, {manifest['vendor']}): "
            f"{rows} rows in {len(manifest['row_counts'])} tables, "
            f"{len(manifest['heads'])} audit chains; manifest {manifest_path(backup.path)}"
        )
