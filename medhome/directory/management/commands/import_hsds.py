from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from medhome.core.progress import Progress, raw_stream
from medhome.directory.hsds import BrokenPackage, import_path, import_rows
from medhome.directory.taxonomy import needs_taxonomy_rows


class Command(BaseCommand):
    help = "Import HSDS 3.0: a datapackage directory (CSV) or a JSON file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        # One transaction: a package that fails leaves the directory as it was, needs taxonomy
        # included. Progress (records written, rate, time left) on a terminal, in the log
        # otherwise; a summary at the end.
        with (
            Progress(
                "HSDS import", total=None, unit="records", stream=raw_stream(self.stderr)
            ) as bar,
            transaction.atomic(),
        ):
            import_rows(needs_taxonomy_rows(), source="needs taxonomy")
            try:
                report = import_path(path, progress=bar)
            except BrokenPackage as error:
                raise CommandError(f"{error} Nothing was imported.") from None
            if not report.ok:
                for row_error in report.errors:
                    self.stderr.write(str(row_error))
                self.stdout.write(report.tally().summary())
                raise CommandError(f"{len(report.errors)} error(s); nothing was imported")
        for table, created in report.created.items():
            updated = report.updated.get(table, 0)
            unchanged = report.unchanged.get(table, 0)
            if created or updated or unchanged:
                self.stdout.write(
                    f"{table}: {created} created, {updated} updated, {unchanged} unchanged"
                )
        self.stdout.write(report.tally().summary(seconds=bar.elapsed()))
