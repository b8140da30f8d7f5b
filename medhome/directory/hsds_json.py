"""HSDS JSON objects <-> flat table rows.

The nesting is the one of the standard's fully nested payloads (examples/service_full.json,
organization_full.json; hsds_schema/service.json lists the nested arrays). A nested object
names its parent only by where it sits, so flattening writes the parent's id into the child's
reference column when the child does not say it itself; `attributes` and `metadata` link to any
record through link_id/link_entity and resource_id/resource_type (interop-codes.md §6).
"""

from dataclasses import dataclass, field
from typing import Any

# parent table -> (key, child table, the child's column naming the parent)
CHILDREN: dict[str, list[tuple[str, str, str]]] = {
    "service": [
        ("phones", "phone", "service_id"),
        ("schedules", "schedule", "service_id"),
        ("service_areas", "service_area", "service_id"),
        ("service_at_locations", "service_at_location", "service_id"),
        ("languages", "language", "service_id"),
        ("funding", "funding", "service_id"),
        ("cost_options", "cost_option", "service_id"),
        ("required_documents", "required_document", "service_id"),
        ("contacts", "contact", "service_id"),
    ],
    "organization": [
        ("funding", "funding", "organization_id"),
        ("contacts", "contact", "organization_id"),
        ("phones", "phone", "organization_id"),
        ("locations", "location", "organization_id"),
        ("programs", "program", "organization_id"),
        ("organization_identifiers", "organization_identifier", "organization_id"),
        ("services", "service", "organization_id"),
    ],
    "service_at_location": [
        ("contacts", "contact", "service_at_location_id"),
        ("phones", "phone", "service_at_location_id"),
        ("schedules", "schedule", "service_at_location_id"),
    ],
    "location": [
        ("languages", "language", "location_id"),
        ("addresses", "address", "location_id"),
        ("contacts", "contact", "location_id"),
        ("accessibility", "accessibility", "location_id"),
        ("phones", "phone", "location_id"),
        ("schedules", "schedule", "location_id"),
    ],
    "contact": [("phones", "phone", "contact_id")],
    "phone": [("languages", "language", "phone_id")],
}
# parent table -> (key, single child table, the parent's column naming the child)
SINGLES: dict[str, list[tuple[str, str, str]]] = {
    "service": [
        ("organization", "organization", "organization_id"),
        ("program", "program", "program_id"),
    ],
    "service_at_location": [("location", "location", "location_id")],
    "attribute": [("taxonomy_term", "taxonomy_term", "taxonomy_term_id")],
    "taxonomy_term": [("taxonomy_detail", "taxonomy", "taxonomy_id")],
}
# Tables whose schema has no `attributes` array (attribute.json, taxonomy*.json, metadata.json).
NO_ATTRIBUTES = frozenset({"attribute", "taxonomy", "taxonomy_term", "metadata"})


@dataclass
class Merged:
    source: str
    explicit: dict[str, Any] = field(default_factory=dict)
    implied: dict[str, Any] = field(default_factory=dict)

    @property
    def row(self) -> dict[str, Any]:
        return {**self.implied, **self.explicit}


@dataclass
class Conflict:
    table: str
    record_id: str
    column: str
    source: str


class Flattener:
    """Collects the rows of nested objects; the same id met twice is one row."""

    def __init__(self, columns: dict[str, tuple[str, ...]]) -> None:
        self.columns = columns
        self.rows: dict[str, dict[str, Merged]] = {name: {} for name in columns}
        self.conflicts: list[Conflict] = []

    def add(self, table: str, obj: dict[str, Any], source: str, implied: dict[str, Any]) -> str:
        record_id = str(obj["id"])
        merged = self.rows[table].setdefault(record_id, Merged(source=source))
        for column in self.columns[table]:
            value = obj.get(column)
            if value is None:
                continue
            if column in merged.explicit and merged.explicit[column] != value:
                self.conflicts.append(Conflict(table, record_id, column, source))
            merged.explicit[column] = value
        for column, value in implied.items():
            merged.implied.setdefault(column, value)
        for key, child, column in CHILDREN.get(table, []):
            for item in obj.get(key) or []:
                self.add(child, item, source, {column: record_id})
        for key, child, column in SINGLES.get(table, []):
            if isinstance(obj.get(key), dict):
                child_id = self.add(child, obj[key], source, {})
                merged.implied.setdefault(column, child_id)
        link = {"link_id": record_id, "link_entity": table}
        for item in obj.get("attributes") or []:
            self.add("attribute", item, source, link)
        for item in obj.get("metadata") or []:
            self.add("metadata", item, source, {"resource_id": record_id, "resource_type": table})
        return record_id


class Nester:
    """Builds fully nested objects from flat rows, remembering which rows it placed."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.by_id = {table: {r["id"]: r for r in table_rows} for table, table_rows in rows.items()}
        self.placed: set[tuple[str, str]] = set()
        self.index: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        for children in CHILDREN.values():
            for _key, child, column in children:
                self._index(child, column, rows)
        self._index("attribute", "link_id", rows)
        self._index("metadata", "resource_id", rows)

    def _index(self, table: str, column: str, rows: dict[str, list[dict[str, Any]]]) -> None:
        if (table, column) in self.index:
            return
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in rows.get(table, []):
            if column in row:
                grouped.setdefault(row[column], []).append(row)
        self.index[(table, column)] = grouped

    def nest(self, table: str, row: dict[str, Any], *, skip: frozenset[str] = frozenset()) -> dict:
        self.placed.add((table, row["id"]))
        obj = dict(row)
        for key, child, column in CHILDREN.get(table, []):
            if key in skip:
                continue
            items = self.index[(child, column)].get(row["id"], [])
            if items:
                obj[key] = [self.nest(child, item, skip=frozenset({"services"})) for item in items]
        for key, child, column in SINGLES.get(table, []):
            target = self.by_id.get(child, {}).get(row.get(column, ""))
            if target is not None and key not in skip:
                obj[key] = self.nest(child, target, skip=frozenset({"services"}))
        if table not in NO_ATTRIBUTES:
            attributes = self.index[("attribute", "link_id")].get(row["id"], [])
            if attributes:
                obj["attributes"] = [self.nest("attribute", item) for item in attributes]
        metadata = self.index[("metadata", "resource_id")].get(row["id"], [])
        if metadata and table != "metadata":
            obj["metadata"] = [self.nest("metadata", item) for item in metadata]
        return obj
