from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from medhome.directory.hsds import BrokenPackage, import_path, import_rows
from medhome.directory.taxonomy import needs_taxonomy_rows


class Command(BaseCommand):
    help = "Import HSDS 3.0: a datapackage directory (CSV) or a JSON file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        # One transaction: a package that fails leaves the directory as it was, needs taxonomy
        # included.
        with transaction.atomic():
            import_rows(needs_taxonomy_rows(), source="needs taxonomy")
            try:
                report = import_path(path)
            except BrokenPackage as error:
                raise CommandError(f"{error} Nothing was imported.") from None
            if not report.ok:
                for row_error in report.errors:
                    self.stderr.write(str(row_error))
                raise CommandError(f"{len(report.errors)} error(s); nothing was imported")
        for table, created in report.created.items():
            updated = report.updated.get(table, 0)
            if created or updated:
                self.stdout.write(f"{table}: {created} created, {updated} updated")
