from django.core.management.base import BaseCommand

from medhome.directory.hsds import export_csv, export_json


class Command(BaseCommand):
    help = "Export the directory as HSDS 3.0: --format csv (a datapackage directory) or json."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("path")

    def handle(self, *args, path: str, format: str, **options):
        (export_csv if format == "csv" else export_json)(path)
        self.stdout.write(f"HSDS {format} written to {path}")
