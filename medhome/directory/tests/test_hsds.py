import csv
import json
import shutil

import pytest

from medhome.directory.hsds import (
    export_csv,
    export_json,
    export_rows,
    import_datapackage,
    import_path,
)
from medhome.directory.hsds_tables import MODELS, table_for_stem, validator
from medhome.directory.models import Organization, Service, ServiceSearch

pytestmark = pytest.mark.django_db


def wipe() -> None:
    for model in MODELS.values():
        model.objects.all().delete()


def assert_valid_bundle(bundle: dict) -> None:
    for key, objects in bundle.items():
        name = {"services": "service", "organizations": "organization"}.get(key)
        name = name or table_for_stem(key).name
        for obj in objects:
            assert list(validator(name).iter_errors(obj)) == [], (key, obj["id"])


def test_csv_round_trip_through_json_and_csv(imported_examples, tmp_path):
    before = export_rows()
    assert all(before[name] for name in MODELS), "every example table is imported"
    export_json(tmp_path / "hsds.json")
    export_csv(tmp_path / "csv")
    bundle = json.loads((tmp_path / "hsds.json").read_text())
    assert_valid_bundle(bundle)
    assert bundle["services"][0]["service_at_locations"][0]["location"]["addresses"]

    for exported in (tmp_path / "csv", tmp_path / "hsds.json"):
        wipe()
        report = import_path(exported)
        assert report.ok, report.errors
        assert export_rows() == before, exported


def test_exported_csv_keeps_the_datapackage_columns(imported_examples, tmp_path, examples_dir):
    export_csv(tmp_path)
    for source in (examples_dir / "csv").glob("*.csv"):
        with source.open() as a, (tmp_path / source.name).open() as b:
            assert next(csv.reader(a)) == next(csv.reader(b)), source.name


@pytest.mark.parametrize(
    "name", ["service_full.json", "service_list.json", "organization_full.json"]
)
def test_json_examples_import(examples_dir, name):
    report = import_path(examples_dir / name)
    assert report.ok, report.errors
    service = Service.objects.get()
    assert service.name == "Community Counselling"
    assert service.organization_id is not None
    assert ServiceSearch.objects.filter(service=service).exists()


def broken_copy(examples_dir, tmp_path, change) -> object:
    target = tmp_path / "csv"
    shutil.copytree(examples_dir / "csv", target)
    path = target / "services.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows[0])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda row: row.update(id="not-a-uuid"), "id"),
        (lambda row: row.update(name=""), "name"),
        (lambda row: row.update(status="open"), "status"),
        (lambda row: row.update(minimum_age="twelve"), "minimum_age"),
        (lambda row: row.update(organization_id=""), "organization_id"),
    ],
)
def test_a_broken_row_is_named_and_nothing_is_imported(examples_dir, tmp_path, change, field):
    report = import_datapackage(broken_copy(examples_dir, tmp_path, change))
    assert not report.ok
    assert [(e.table, e.row, e.field) for e in report.errors] == [("services.csv", 1, field)]
    assert "services.csv row 1" in str(report.errors[0])
    assert not Organization.objects.exists()
    assert not ServiceSearch.objects.exists()


def test_reimport_updates_in_place(imported_examples, examples_dir, tmp_path):
    assert imported_examples.created["service"] == 1
    changed = broken_copy(examples_dir, tmp_path, lambda row: row.update(name="Counselling"))
    report = import_datapackage(changed)
    assert report.ok
    assert report.created["service"] == 0 and report.updated["service"] == 1
    assert Service.objects.get().name == "Counselling"
    assert ServiceSearch.objects.get().name == "Counselling"


def test_an_organization_without_a_description_exports_valid_hsds_and_comes_back(tmp_path):
    """HSDS 3.0 requires organization.description; medhome may hold none (an organization a
    practice added by name): the export writes it empty, so the file validates and
    re-imports (its own import refused it before)."""
    Organization.objects.create(name="Harbor Legal Aid")
    export_json(tmp_path / "hsds.json")
    bundle = json.loads((tmp_path / "hsds.json").read_text())
    assert_valid_bundle(bundle)
    assert bundle["organizations"][0]["description"] == ""
    wipe()
    report = import_path(tmp_path / "hsds.json")
    assert report.ok, report.errors
    assert Organization.objects.get().name == "Harbor Legal Aid"
