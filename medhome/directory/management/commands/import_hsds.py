from django.core.management.base import BaseCommand, CommandError

from medhome.directory.hsds import import_path, import_rows
from medhome.directory.taxonomy import needs_taxonomy_rows


class Command(BaseCommand):
    help = "Import HSDS 3.0: a datapackage directory (CSV) or a JSON file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        import_rows(needs_taxonomy_rows(), source="needs taxonomy")
        report = import_path(path)
        for error in report.errors:
            self.stderr.write(str(error))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported")
        for table, created in report.created.items():
            updated = report.updated.get(table, 0)
            if created or updated:
                self.stdout.write(f"{table}: {created} created, {updated} updated")
