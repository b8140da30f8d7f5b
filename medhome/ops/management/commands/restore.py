"""`manage.py restore --from PATH`: restore a backup into an empty database and verify it
against its manifest (ops.backup); exits non-zero on any difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.ops.backup import BackupError, database_settings, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into an EMPTY database, then verify row counts and audit chains."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", required=True, type=Path)
        parser.add_argument(
            "--into-url",
            help="DATABASE_URL of the empty target database (default: the configured database)",
        )

    def handle(self, *args, source: Path, into_url: str | None, **options) -> None:
        try:
            result = restore_backup(source, into=database_settings(into_url))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in result.report():
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("the restored database does not match its backup's manifest")
