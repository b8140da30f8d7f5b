"""The HSDS 3.0 tables as medhome stores them: schema, CSV file, model, and value conversion.

Schemas are the standard's own files, copied into hsds_schema/ (CC BY-SA 4.0, see SOURCE.md
there) and loaded from the package, never from the network. Column order and CSV file names
come from hsds_schema/datapackage.json.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from django.db import models
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from . import models as directory_models
from .models import HsdsRecord

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"

MODELS: dict[str, type[HsdsRecord]] = {
    model.table: model
    for model in vars(directory_models).values()
    if isinstance(model, type) and issubclass(model, HsdsRecord) and model.table
}

# HSDS columns whose model field has another name (taxonomy_term.taxonomy, a free-text
# column, would clash with the taxonomy_id foreign key).
ALIASES: dict[str, dict[str, str]] = {"taxonomy_term": {"taxonomy": "taxonomy_name"}}

# Parent-before-child order: the order a human reads an export in (no constraint needs it).
ORDER = [
    "organization",
    "organization_identifier",
    "program",
    "service",
    "location",
    "service_at_location",
    "address",
    "phone",
    "contact",
    "schedule",
    "language",
    "cost_option",
    "required_document",
    "service_area",
    "funding",
    "accessibility",
    "taxonomy",
    "taxonomy_term",
    "attribute",
    "metadata",
    "meta_table_description",
]


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # CSV file name in the datapackage
    model: type[HsdsRecord]
    columns: tuple[str, ...]  # datapackage order, scalar columns only
    schema: dict[str, Any]

    @property
    def stem(self) -> str:
        return self.path.removesuffix(".csv")

    def attname(self, column: str) -> str:
        return ALIASES.get(self.name, {}).get(column, column)

    def field(self, column: str) -> models.Field:
        return _fields(self.model)[self.attname(column)]

    @cached_property
    def required_text(self) -> frozenset[str]:
        """The string columns the schema requires: written as "" when medhome holds nothing
        (an organization entered without a description is still valid HSDS)."""
        props = self.schema["properties"]
        return frozenset(
            c for c in self.schema.get("required", ()) if props.get(c, {}).get("type") == "string"
        )

    def number_columns(self) -> frozenset[str]:
        props = self.schema["properties"]
        return frozenset(c for c in self.columns if props.get(c, {}).get("type") == "number")


def _fields(model: type[HsdsRecord]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


def read_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text())


@cache
def tables() -> dict[str, Table]:
    package = read_schema("datapackage")
    resources = {r["name"]: r for r in package["resources"]}
    found = {}
    for name in ORDER:
        resource = resources[name]
        found[name] = Table(
            name=name,
            path=resource["path"],
            model=MODELS[name],
            columns=tuple(f["name"] for f in resource["schema"]["fields"]),
            schema=read_schema(name),
        )
    return found


def table_for_stem(stem: str) -> Table | None:
    return next((t for t in tables().values() if t.stem == stem), None)


@cache
def _registry() -> Registry:
    # The schemas reference each other by file name ("phone.json") and declare no draft.
    return Registry().with_resources(
        (f"{name}.json", Resource.from_contents(read_schema(name), DRAFT202012)) for name in ORDER
    )


@cache
def validator(name: str, *, tabular: bool = False) -> Draft202012Validator:
    """The table's schema; tabular adds `tabular_required` (columns required in CSV form)."""
    schema = dict(tables()[name].schema)
    if tabular:
        schema["required"] = [*schema.get("required", []), *schema.get("tabular_required", [])]
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def parse_number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def to_model(field: models.Field, value: Any) -> Any:
    """An HSDS (JSON-typed) value as the model field stores it; ValueError if it cannot."""
    if value is None or value == "":
        return None if field.null else ""
    if isinstance(field, models.ForeignKey | models.UUIDField):
        return uuid.UUID(str(value))
    if isinstance(field, models.FloatField):
        return float(value)
    if isinstance(field, models.DateTimeField):
        moment = datetime.fromisoformat(str(value))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(field, models.DateField):
        return date.fromisoformat(str(value))
    if isinstance(field, models.TimeField):
        return time.fromisoformat(str(value))
    return str(value)


def to_hsds(value: Any) -> Any:
    """A stored value as HSDS writes it (JSON types; None for absent)."""
    if value is None or value == "":
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        spec = "milliseconds" if value.microsecond else "seconds"
        return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def record_to_row(table: Table, record: HsdsRecord) -> dict[str, Any]:
    row = {"id": str(record.pk)}
    for column in table.columns[1:] if table.columns[0] == "id" else table.columns:
        value = to_hsds(getattr(record, table.attname(column)))
        if value is not None:
            row[column] = value
        elif column in table.required_text:
            row[column] = ""
    return row
