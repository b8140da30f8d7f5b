"""`manage.py backup --to PATH [--encrypt-to KEY]`: a consistent backup of the database and its
manifest beside it (ops.backup), sealed to an OpenPGP key when asked (ops.sealed)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.core import clock
from medhome.ops.backup import BackupError
from medhome.ops.scheduled import write_backup


class Command(BaseCommand):
    help = (
        "Back the database up to PATH (pg_dump or SQLite's online backup) with PATH.json beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, type=Path, help="the backup file to write")
        parser.add_argument("--database", default="default", help="the database alias")
        parser.add_argument(
            "--encrypt-to",
            metavar="KEY",
            help="seal the backup and its manifest to this OpenPGP public key (gpg; PATH.gpg "
            "and PATH.json.gpg, no clear file left)",
        )

    def handle(self, *args, to: Path, database: str, encrypt_to: str | None, **options) -> None:
        try:
            done = write_backup(to, at=clock.now(), alias=database, encrypt_to=encrypt_to)
        except BackupError as error:
            raise CommandError(str(error)) from None
        written, size = done.files, done.files[0].stat().st_size
        manifest = done.backup.manifest
        rows = sum(count or 0 for count in manifest["row_counts"].values())
        sealed = f", sealed to {encrypt_to}" if encrypt_to else ""
        self.stdout.write(
            f"backup {written[0]} ({size} bytes, {manifest['vendor']}{sealed}): "
            f"{rows} rows in {len(manifest['row_counts'])} tables, "
            f"{len(manifest['heads'])} audit chains; manifest {written[1]}"
        )
