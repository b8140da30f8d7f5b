"""Import and export of HSDS 3.0: the tabular datapackage (CSV) and the JSON objects.

Every record is validated against the standard's schema (hsds_schema/, copied from
shared/data/hsds-3.0/schema) before anything is written; with any error nothing is imported.
Ids are kept, so importing the same ids again updates the rows in place.

JSON accepted: a service or organization object, a list of them, an API page (`contents`), or
the bundle export_json writes: {"services": [...], "organizations": [...], and, per table
(keyed by its CSV name), the rows that no service or organization object holds}. The bundle is
medhome's wrapper (HSDS has no single file form); each object in it is plain HSDS.
"""

import csv
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from medhome.core import spreadsheet
from medhome.core.progress import Progress, Tally

from . import search_index
from .hsds_json import Flattener, Nester
from .hsds_tables import (
    SCHEMA_DIR,
    Table,
    parse_number,
    record_to_row,
    table_for_stem,
    tables,
    to_model,
    validator,
)
from .models import HsdsRecord, Service
from .store import affected_services, chunks, write_tables


@dataclass(frozen=True)
class RowError:
    table: str  # the table, or the file and list for JSON
    row: int | None  # CSV data row (1 = first line after the header) or position in the list
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}" if self.row is not None else self.table
        return f"{where} (id {self.record_id or '?'}): {self.field}: {self.message}"


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)

    def tally(self) -> Tally:
        """imported / updated / unchanged, and the refused rows by reason (medhome's words)."""
        tally = Tally()
        tally.add("imported", sum(self.created.values()))
        tally.add("updated", sum(self.updated.values()))
        tally.add("unchanged", sum(self.unchanged.values()))
        for error in self.errors:  # by reason: the same words whatever the record's id
            tally.refuse(UUID_TEXT.sub("…", error.message))
        return tally

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Pending:
    source: str
    row_number: int | None
    values: dict[str, Any]


UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
REQUIRED = re.compile(r"^'(?P<name>[^']+)' is a required property")


def _schema_errors(
    table: Table, obj: dict[str, Any], *, source: str, row: int | None, tabular: bool
) -> list[RowError]:
    found = []
    for error in validator(table.name, tabular=tabular).iter_errors(obj):
        path = ".".join(str(part) for part in error.absolute_path)
        missing = REQUIRED.match(error.message) if error.validator == "required" else None
        if missing:
            path = f"{path}.{missing['name']}" if path else missing["name"]
        found.append(
            RowError(source, row, str(obj.get("id", "")), path or "(record)", error.message)
        )
    return found


# --- import ------------------------------------------------------------------------------


class BrokenPackage(ValueError):
    """A package that cannot be read at all (no such file, not JSON, not UTF-8, not CSV): the
    message names the file and says what is wrong, for a person to fix it."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BrokenPackage(f"{path} does not exist.") from None
    except UnicodeDecodeError:
        raise BrokenPackage(f"{path.name} is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise BrokenPackage(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg})."
        ) from None
    except RecursionError:
        raise BrokenPackage(f"{path.name} nests too deeply to be HSDS.") from None


def import_path(path: str | Path, *, progress: Progress | None = None) -> ImportReport:
    """Raises BrokenPackage for a package that cannot be read; a readable one with bad rows
    gives a report that names them, and nothing is imported."""
    path = Path(path)
    if path.is_dir():
        return import_datapackage(path, progress=progress)
    if path.name == "datapackage.json":
        return import_datapackage(path.parent, progress=progress)
    return import_json_data(_read_json(path), source=path.name, progress=progress)


def _csv_paths(directory: Path) -> dict[str, Path]:
    package = directory / "datapackage.json"
    named: dict[str, str] = {}
    if package.exists():
        data = _read_json(package)
        resources = data.get("resources", []) if isinstance(data, dict) else None
        if not isinstance(resources, list):
            raise BrokenPackage("datapackage.json has no list of resources.")
        for resource in resources:
            if isinstance(resource, dict) and "name" in resource and "path" in resource:
                named[str(resource["name"])] = str(resource["path"])
    paths = {name: directory / named.get(name, t.path) for name, t in tables().items()}
    root = directory.resolve()
    for path in paths.values():
        # A resource path is the package's to name, but only inside the package.
        if not path.resolve().is_relative_to(root):
            raise BrokenPackage(f"datapackage.json names a file outside the package: {path.name}")
    return paths


def import_datapackage(directory: str | Path, *, progress: Progress | None = None) -> ImportReport:
    directory = Path(directory)
    if not directory.is_dir():
        raise BrokenPackage(f"{directory} is not a directory.")
    paths = {name: path for name, path in _csv_paths(directory).items() if path.exists()}
    if not paths:
        names = ", ".join(t.path for t in list(tables().values())[:3])
        raise BrokenPackage(f"{directory} holds no HSDS table (CSV files such as {names}).")
    pending: dict[str, list[Pending]] = defaultdict(list)
    errors: list[RowError] = []
    for name, path in paths.items():
        try:
            _read_csv(tables()[name], path, pending[name], errors)
        except UnicodeDecodeError:
            raise BrokenPackage(f"{path.name} is not UTF-8 text.") from None
        except csv.Error as error:
            raise BrokenPackage(f"{path.name} is not readable CSV ({error}).") from None
    return _load(pending, errors, progress=progress)


def _read_csv(table: Table, path: Path, pending: list[Pending], errors: list[RowError]) -> None:
    numbers = table.number_columns()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=1):
            values: dict[str, Any] = {}
            for column, text in raw.items():
                if column is None or column not in table.columns or not text:
                    continue
                if column in numbers:
                    try:
                        values[column] = parse_number(text)
                    except ValueError:
                        errors.append(
                            RowError(path.name, number, raw.get("id") or "", column, "not a number")
                        )
                        continue
                else:
                    values[column] = spreadsheet.restore(text)
            found = _schema_errors(table, values, source=path.name, row=number, tabular=True)
            errors += found
            if not found:
                pending.append(Pending(path.name, number, values))


def import_rows(rows: dict[str, list[dict[str, Any]]], *, source: str = "rows") -> ImportReport:
    """Flat HSDS rows by table name, validated as CSV rows are (demo data, the needs taxonomy)."""
    pending: dict[str, list[Pending]] = defaultdict(list)
    errors: list[RowError] = []
    for name, table_rows in rows.items():
        for number, values in enumerate(table_rows, start=1):
            where = f"{source} {name}"
            found = _schema_errors(tables()[name], values, source=where, row=number, tabular=True)
            errors += found
            if not found:
                pending[name].append(Pending(where, number, values))
    return _load(pending, errors)


def _json_items(data: Any, source: str) -> list[tuple[str, str, int, Any]]:
    """(table, source, position, object) for each top-level object."""

    def kind(obj: Any) -> str:
        is_service = isinstance(obj, dict) and ("status" in obj or "service_at_locations" in obj)
        return "service" if is_service else "organization"

    if isinstance(data, list):
        return [(kind(o), source, i, o) for i, o in enumerate(data, start=1)]
    if isinstance(data, dict) and "contents" in data:
        return _json_items(data["contents"], f"{source} contents")
    if isinstance(data, dict) and "id" in data:
        return [(kind(data), source, 1, data)]
    items: list[tuple[str, str, int, Any]] = []
    if isinstance(data, dict):
        for key, objects in data.items():
            table = {"services": "service", "organizations": "organization"}.get(key)
            table = table or getattr(table_for_stem(key), "name", None)
            if table and isinstance(objects, list):
                items += [(table, f"{source} {key}", i, o) for i, o in enumerate(objects, start=1)]
    return items


def import_json_data(
    data: Any, *, source: str = "json", progress: Progress | None = None
) -> ImportReport:
    errors: list[RowError] = []
    flattener = Flattener({name: t.columns for name, t in tables().items()})
    for table, where, position, obj in _json_items(data, source):
        if not isinstance(obj, dict):
            errors.append(RowError(where, position, "", "(record)", "not an object"))
            continue
        found = _schema_errors(tables()[table], obj, source=where, row=position, tabular=False)
        for index, service in enumerate(
            obj.get("services") or [] if table == "organization" else []
        ):
            for error in _schema_errors(
                tables()["service"], service, source=where, row=position, tabular=False
            ):
                found.append(
                    RowError(
                        where,
                        position,
                        error.record_id,
                        f"services.{index}.{error.field}",
                        error.message,
                    )
                )
        errors += found
        if not found:
            flattener.add(table, obj, f"{where} #{position}", {})
    for conflict in flattener.conflicts:
        errors.append(
            RowError(
                conflict.source,
                None,
                conflict.record_id,
                conflict.column,
                f"two values for the same {conflict.table}",
            )
        )
    pending = {
        name: [Pending(m.source, None, m.row) for m in merged.values()]
        for name, merged in flattener.rows.items()
    }
    return _load(pending, errors, progress=progress)


def _instances(
    pending: dict[str, list[Pending]], errors: list[RowError]
) -> dict[str, list[tuple[Pending, HsdsRecord]]]:
    instances: dict[str, list[tuple[Pending, HsdsRecord]]] = {}
    for name, rows in pending.items():
        table = tables()[name]
        seen: set[str] = set()
        built = []
        for row in rows:
            record_id = str(row.values.get("id", ""))
            if record_id in seen:
                errors.append(RowError(row.source, row.row_number, record_id, "id", "duplicate id"))
                continue
            seen.add(record_id)
            kwargs = {}
            for column, value in row.values.items():
                if column not in table.columns:
                    continue
                try:
                    kwargs[table.attname(column)] = to_model(table.field(column), value)
                except ValueError:
                    message = f"not a valid value for a {table.field(column).get_internal_type()}"
                    errors.append(RowError(row.source, row.row_number, record_id, column, message))
            kwargs["pk"] = kwargs.pop("id", None)
            built.append((row, table.model(**kwargs)))
        instances[name] = built
    return instances


def _checked(table: str, column: str, target: type) -> bool:
    """The references medhome relies on: anything pointing to a service (its phones, schedules,
    locations...), a service's organization, a service-at-location's location. Other links
    (a contact's organization, a parent organization, a term's taxonomy) stay loose: HSDS
    publishers ship parts of a directory, and the standard's own examples point outside it."""
    return target is Service or (table, column) in {
        ("service", "organization_id"),
        ("service_at_location", "location_id"),
    }


def _dangling(instances: dict[str, list[tuple[Pending, HsdsRecord]]]) -> list[RowError]:
    """Rows that point to a record medhome relies on (see _checked) that is neither in this
    import nor already in the directory. The columns are foreign keys without a database
    constraint (rows arrive in any order), so this is the check that keeps them true."""
    imported: dict[type, set[Any]] = defaultdict(set)
    for rows in instances.values():
        for _row, record in rows:
            imported[type(record)].add(record.pk)
    wanted: list[tuple[str, Pending, HsdsRecord, str, type, Any]] = []
    for name, rows in instances.items():
        table = tables()[name]
        for column in table.columns:
            field = table.field(column) if column != "id" else None
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model
            assert isinstance(target, type)
            if not _checked(name, column, target):
                continue
            for row, record in rows:
                value = getattr(record, field.attname)
                if value is not None and value not in imported[target]:
                    wanted.append((name, row, record, column, target, value))
    existing: dict[type, set[Any]] = defaultdict(set)
    for target in {w[4] for w in wanted}:
        ids = {w[5] for w in wanted if w[4] is target}
        for batch in chunks(ids):
            existing[target].update(
                target._default_manager.filter(pk__in=batch).values_list("pk", flat=True)
            )
    return [
        RowError(
            row.source,
            row.row_number,
            str(record.pk),
            column,
            f"refers to {tables_by_model()[target]} {value}, which is neither in this import "
            "nor in the directory",
        )
        for _name, row, record, column, target, value in wanted
        if value not in existing[target]
    ]


def tables_by_model() -> dict[type, str]:
    return {table.model: name for name, table in tables().items()}


def _load(
    pending: dict[str, list[Pending]],
    errors: list[RowError],
    *,
    progress: Progress | None = None,
) -> ImportReport:
    built = _instances(pending, errors)
    if not errors:
        errors += _dangling(built)
    if errors:
        return ImportReport(errors=errors)
    instances = {name: [record for _row, record in rows] for name, rows in built.items()}
    with transaction.atomic():
        if progress is not None:
            progress.set_total(sum(len(records) for records in instances.values()))
        created, updated, unchanged = write_tables(instances, progress=progress)
        search_index.refresh(affected_services(instances))
    return ImportReport(created=created, updated=updated, unchanged=unchanged)


# --- export ------------------------------------------------------------------------------


def export_rows() -> dict[str, list[dict[str, Any]]]:
    """Every stored row of every table, as HSDS values (absent columns left out)."""
    return {
        name: [record_to_row(table, r) for r in table.model._default_manager.order_by("pk")]
        for name, table in tables().items()
    }


def export_json_data() -> dict[str, Any]:
    rows = export_rows()
    nester = Nester(rows)
    bundle: dict[str, Any] = {
        "services": [nester.nest("service", r) for r in rows["service"]],
        "organizations": [
            nester.nest("organization", r, skip=frozenset({"services"}))
            for r in rows["organization"]
        ],
    }
    for name, table in tables().items():
        left = [r for r in rows[name] if (name, r["id"]) not in nester.placed]
        if left:
            bundle[table.stem] = left
    return bundle


def export_json(path: str | Path) -> None:
    Path(path).write_text(json.dumps(export_json_data(), indent=2, ensure_ascii=False) + "\n")


def export_csv(directory: str | Path) -> None:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SCHEMA_DIR / "datapackage.json", directory / "datapackage.json")
    for name, table_rows in export_rows().items():
        table = tables()[name]
        with (directory / table.path).open("w", newline="", encoding="utf-8") as handle:
            writer = spreadsheet.dict_writer(handle, fieldnames=table.columns)
            writer.writeheader()
            writer.writerows(table_rows)
