"""Data and checks shared by the Open Referral API tests."""

import uuid
from typing import Any

from jsonschema import Draft202012Validator

from medhome.core import clock
from medhome.directory.hsds import import_rows
from medhome.directory.hsds_tables import read_schema, validator
from medhome.directory.models import OpenReferralAccess
from medhome.directory.taxonomy import NEEDS_TAXONOMY_ID, need_term_id, needs_taxonomy_rows

ORG = str(uuid.uuid5(uuid.NAMESPACE_URL, "test/openreferral/org"))
OTHER_ORG = str(uuid.uuid5(uuid.NAMESPACE_URL, "test/openreferral/other-org"))
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"  # examples/csv/services.csv
EXAMPLE_ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
EXAMPLE_TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
EXAMPLE_TAXONOMY = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"

# The API's page wrapper (hsds_schema/openapi.json components.schemas.Page), every field
# required here (the standard lists them all; a missing one must fail the test).
OPENAPI = read_schema("openapi")
PAGE_SCHEMA = {
    **OPENAPI["components"]["schemas"]["Page"],
    "required": [*OPENAPI["components"]["schemas"]["Page"]["properties"], "contents"],
}
PAGE_SCHEMA["properties"] = {
    **PAGE_SCHEMA["properties"],
    "contents": {"type": "array", "items": {"type": "object"}},
}
PAGE = Draft202012Validator(PAGE_SCHEMA)
SERVICE_PROPERTIES = read_schema("service")["properties"]
MINIMAL = Draft202012Validator(
    {
        "type": "object",
        "properties": {k: SERVICE_PROPERTIES[k] for k in ("id", "last_modified")},
        "required": ["id"],
        "additionalProperties": False,
    }
)


def sid(key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test/openreferral/{key}"))


def service_rows(
    key: str,
    *,
    org: str = ORG,
    status: str = "active",
    need: str = "food",
    modified: str = "2026-01-10T12:00:00Z",
) -> dict[str, list[dict[str, Any]]]:
    """A service with the same shape each time: a location with an address, a phone, a
    schedule, a language and a need term (so a page's query count can be compared)."""
    return {
        "service": [
            {
                "id": sid(key),
                "organization_id": org,
                "name": f"Service {key}",
                "description": f"Helps with {need}",
                "status": status,
                "last_modified": modified,
            }
        ],
        "location": [{"id": sid(key + "/l"), "location_type": "physical", "name": f"Site {key}"}],
        "service_at_location": [
            {"id": sid(key + "/sal"), "service_id": sid(key), "location_id": sid(key + "/l")}
        ],
        "address": [
            {
                "id": sid(key + "/a"),
                "location_id": sid(key + "/l"),
                "address_1": "1 Main St",
                "city": "Providence",
                "state_province": "RI",
                "postal_code": "02903",
                "country": "US",
                "address_type": "physical",
            }
        ],
        "phone": [{"id": sid(key + "/p"), "service_id": sid(key), "number": "401-555-0100"}],
        "schedule": [
            {
                "id": sid(key + "/h"),
                "service_id": sid(key),
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "09:00",
                "closes_at": "17:00",
            }
        ],
        "language": [{"id": sid(key + "/lang"), "service_id": sid(key), "code": "es"}],
        "attribute": [
            {
                "id": sid(key + "/attr"),
                "link_id": sid(key),
                "link_entity": "service",
                "link_type": "need",
                "taxonomy_term_id": str(need_term_id(need)),
            }
        ],
    }


def merge(*parts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        for table, table_rows in part.items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def load_directory(active: int = 4) -> None:
    """The needs taxonomy, one organization with `active` active services (Service a, b, …:
    a is about housing, the rest about food; modified on the 10th, 11th, …) and one inactive
    one at a location of its own, and a second organization whose only service is inactive."""
    organizations = {
        "organization": [
            {"id": ORG, "name": "Harbor Family Services", "description": "Food and housing"},
            {"id": OTHER_ORG, "name": "Closed Center", "description": "Nothing active"},
        ]
    }
    services = [
        service_rows(
            chr(ord("a") + i),
            need="housing" if i == 0 else "food",
            modified=f"2026-01-{10 + i}T12:00:00Z",
        )
        for i in range(active)
    ]
    report = import_rows(
        merge(
            needs_taxonomy_rows(),
            organizations,
            *services,
            service_rows("inactive", status="inactive"),
            service_rows("defunct", org=OTHER_ORG, status="defunct"),
        )
    )
    assert report.ok, report.errors


def publish(practice: Any, mode: str = "public") -> str:
    OpenReferralAccess.objects.update_or_create(
        practice=practice, defaults={"mode": mode, "updated_at": clock.now()}
    )
    return f"/openreferral/{practice.pk}/"


TABLE_OF = {
    "services": "service",
    "organizations": "organization",
    "locations": "location",
    "service_at_locations": "service_at_location",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
}


def errors_of(table: str, obj: dict[str, Any]) -> list[str]:
    """Schema errors of an API object (hsds_tables.validator, the import's own), including an
    organization's services, which organization.json does not describe (hsds.import_json_data
    checks them the same way)."""
    found = [f"{table}: {e.message}" for e in validator(table).iter_errors(obj)]
    if table == "organization":
        for service in obj.get("services", []):
            found += [f"service: {e.message}" for e in validator("service").iter_errors(service)]
    return found


def page_errors(table: str, body: dict[str, Any], *, minimal: bool = False) -> list[str]:
    found = [f"page: {e.message}" for e in PAGE.iter_errors(body)]
    for item in body.get("contents", []):
        if minimal:
            found += [f"minimal: {e.message}" for e in MINIMAL.iter_errors(item)]
        else:
            found += errors_of(table, item)
    return found


__all__ = ["NEEDS_TAXONOMY_ID"]
