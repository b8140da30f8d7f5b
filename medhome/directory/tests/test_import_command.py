"""`manage.py import_hsds` on a broken package: a clear CommandError naming the file or the row,
never a traceback, and nothing imported (issue 14)."""

import csv
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from medhome.directory.models import Organization, Phone, Service, ServiceAtLocation, TaxonomyTerm

pytestmark = pytest.mark.django_db

MISSING_SERVICE = "0b3a4f5e-1111-4222-8333-944455556666"


def run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_hsds", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def assert_nothing_imported() -> None:
    assert not Organization.objects.exists()
    assert not Service.objects.exists()
    assert not TaxonomyTerm.objects.exists()  # not even the needs taxonomy


def package(examples_dir, tmp_path):
    target = tmp_path / "csv"
    shutil.copytree(examples_dir / "csv", target)
    return target


def rewrite(path, change) -> None:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows[0])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))  # test input, written raw
        writer.writeheader()
        writer.writerows(rows)


def test_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(
        CommandError, match=r"nowhere\.json does not exist\. Nothing was imported\."
    ):
        run(tmp_path / "nowhere.json")
    assert_nothing_imported()


def test_a_json_file_that_is_not_json(tmp_path):
    broken = tmp_path / "directory.json"
    broken.write_text('{"services": [\n  {"id": ')
    with pytest.raises(CommandError, match=r"^directory\.json is not valid JSON \(line 2, column"):
        run(broken)
    assert_nothing_imported()


def test_a_json_file_that_is_not_utf8(tmp_path):
    broken = tmp_path / "directory.json"
    broken.write_bytes(b'{"name": "Caf\xe9"}')
    with pytest.raises(CommandError, match=r"^directory\.json is not UTF-8 text\."):
        run(broken)


def test_a_directory_without_tables(tmp_path):
    with pytest.raises(CommandError, match=r"holds no HSDS table \(CSV files such as"):
        run(tmp_path)


def test_a_broken_datapackage_json(examples_dir, tmp_path):
    target = package(examples_dir, tmp_path)
    (target / "datapackage.json").write_text("{not json")
    with pytest.raises(CommandError, match=r"^datapackage\.json is not valid JSON"):
        run(target)
    assert_nothing_imported()


def test_a_datapackage_naming_a_file_outside_it(examples_dir, tmp_path):
    target = package(examples_dir, tmp_path)
    (target / "datapackage.json").write_text(
        '{"resources": [{"name": "service", "path": "../../../etc/passwd"}]}'
    )
    with pytest.raises(CommandError, match=r"names a file outside the package: passwd"):
        run(target)


def test_a_csv_file_that_is_not_utf8(examples_dir, tmp_path):
    target = package(examples_dir, tmp_path)
    (target / "services.csv").write_bytes(b"id,name\n1,Caf\xe9\n")
    with pytest.raises(CommandError, match=r"^services\.csv is not UTF-8 text\."):
        run(target)
    assert_nothing_imported()


def test_a_csv_file_that_is_not_csv(examples_dir, tmp_path):
    target = package(examples_dir, tmp_path)
    (target / "phones.csv").write_text('id,number\n1,"' + "9" * 200_000 + '"\n')
    with pytest.raises(CommandError, match=r"^phones\.csv is not readable CSV \(field larger"):
        run(target)
    assert_nothing_imported()


@pytest.mark.parametrize(
    ("stem", "column"),
    [("service_at_location", "service_id"), ("phones", "service_id")],
)
def test_a_row_pointing_to_a_service_that_does_not_exist(examples_dir, tmp_path, stem, column):
    target = package(examples_dir, tmp_path)
    rewrite(target / f"{stem}.csv", lambda row: row.update({column: MISSING_SERVICE}))

    with pytest.raises(CommandError, match=r"^1 error\(s\); nothing was imported$"):
        out, err = StringIO(), StringIO()
        try:
            call_command("import_hsds", str(target), stdout=out, stderr=err)
        finally:
            lines = err.getvalue().splitlines()

    assert len(lines) == 1
    assert "1 refused (1 refers to service …, which is neither" in out.getvalue()
    assert lines[0].startswith(f"{stem}.csv row 1 (id ")
    assert lines[0].endswith(
        f"{column}: refers to service {MISSING_SERVICE}, which is neither in this import nor "
        "in the directory"
    )
    assert_nothing_imported()
    assert not ServiceAtLocation.objects.exists() and not Phone.objects.exists()


def test_a_service_whose_organization_does_not_exist(examples_dir, tmp_path):
    target = package(examples_dir, tmp_path)
    rewrite(target / "services.csv", lambda row: row.update(organization_id=MISSING_SERVICE))
    with pytest.raises(CommandError, match=r"^1 error\(s\)"):
        run(target)
    assert_nothing_imported()


def test_a_reference_to_a_service_already_in_the_directory_is_fine(
    imported_examples, examples_dir, tmp_path
):
    target = tmp_path / "phones-only"
    target.mkdir()
    shutil.copy(examples_dir / "csv" / "phones.csv", target / "phones.csv")

    out, _err = run(target)

    # The same phone again: known and unchanged, so nothing is written.
    assert "phone: 0 created, 0 updated, 1 unchanged" in out
    assert out.splitlines()[-1].startswith("0 imported, 0 updated, 1 unchanged, 0 refused in ")


def test_a_good_package_imports(examples_dir, tmp_path):
    out, err = run(package(examples_dir, tmp_path))
    assert "service: 1 created, 0 updated" in out and err == ""
