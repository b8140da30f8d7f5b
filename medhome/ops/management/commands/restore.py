"""`manage.py restore --from PATH`: restore a backup into an empty database and verify it
against its manifest (ops.backup); exits non-zero on any difference. A sealed backup (PATH ending
in .gpg, ops.sealed) is decrypted first with the key in the restoring user's keyring."""

from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medhome.ops.backup import BackupError, database_settings, restore_backup
from medhome.ops.sealed import is_sealed, unsealed


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
            with unsealed(source) if is_sealed(source) else nullcontext(source) as plain:
                result = restore_backup(plain, into=database_settings(into_url))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for line in result.report():
            self.stdout.write(line)
        if not result.ok:
            raise CommandError("the restored database does not match its backup's manifest")
