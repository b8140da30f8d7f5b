"""Small synthetic FHIR exports written by the tests (made-up people only)."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from medhome.core.actor import Actor
from medhome.ehr.bulk import IMPORT_ROLE, ImportResult, import_export
from medhome.practices.models import Practice

# The practice's clock during the tests: 2026-06-15, 14:00 UTC.
AT = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)
MRN_TYPE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}


def importer(practice: Practice) -> Actor:
    return Actor(user=None, practice=practice, role=IMPORT_ROLE, request_id="test-import")


def patient(pid: str = "p1", **overrides: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": "urn:test:mrn", "value": f"MRN-{pid}", "type": MRN_TYPE}],
        "name": [{"use": "official", "family": "Testfamily", "given": ["Kid"]}],
        "gender": "female",
        "birthDate": "2024-01-10",
        "address": [
            {"line": ["1 Test St"], "city": "Boston", "state": "MA", "postalCode": "02118"}
        ],
    }
    resource.update(overrides)
    return resource


def observation(oid: str, code: str, value: float, unit: str, **overrides: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-05-01",
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
    }
    resource.update(overrides)
    return resource


def write_export(directory: Path, files: dict[str, list[Any]]) -> Path:
    """One NDJSON file per key; a str item is written as the raw line it is."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, items in files.items():
        lines = [item if isinstance(item, str) else orjson.dumps(item).decode() for item in items]
        (directory / f"{name}.ndjson").write_text("\n".join(lines) + "\n")
    return directory


def run_import(practice: Practice, directory: Path, **kwargs: Any) -> ImportResult:
    return import_export(
        practice=practice, directory=directory, actor=importer(practice), at=AT, **kwargs
    )
