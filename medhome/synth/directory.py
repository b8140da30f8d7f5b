"""Demo directory: the HSDS 3.0 examples plus ~40 invented local services around the two demo
practices (Providence RI and East Boston MA), loaded as HSDS rows through the directory's own
importer. The services are data (data/directory_services.json); every name, address and phone
number there is synthetic (555-01xx numbers are reserved for fiction); ids are fixed by the
seed, so loading twice updates in place."""

import json
import random
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

import medhome.directory
from medhome.directory.geo import zip_centroid
from medhome.directory.hsds import ImportReport, import_datapackage, import_rows
from medhome.directory.taxonomy import need_term_id, needs_taxonomy_rows

# The published HSDS examples ship with the directory, whose import tests read them too.
EXAMPLES = Path(medhome.directory.__file__).resolve().parent / "fixtures" / "hsds-examples" / "csv"
DATA = Path(__file__).resolve().parent / "data" / "directory_services.json"
ON_SITE_PARTNER = "harbor-mlp"  # the demo's medical-legal partnership, working in the clinic


@cache
def _data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _ids(seed: int) -> Any:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"https://medhome.example/demo-directory/{seed}")
    return lambda *parts: str(uuid.uuid5(namespace, "/".join(parts)))


def demo_organization_id(key: str, *, seed: int) -> uuid.UUID:
    return uuid.UUID(_ids(seed)(key, "organization"))


def demo_rows(*, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The synthetic services as flat HSDS rows (hsds_schema/<table>.json columns)."""
    rng = random.Random(seed)  # noqa: S311 - demo coordinates, not secrets
    make_id = _ids(seed)
    rows: dict[str, list[dict[str, Any]]] = {}

    def add(table: str, row: dict[str, Any]) -> None:
        rows.setdefault(table, []).append(row)

    data = _data()
    for number, spec in enumerate(data["services"]):
        key, org, name = spec["key"], spec["organization"], spec["service"]
        zip_code, street, bring = spec["zip"], spec["street"], spec["what_to_bring"]
        low, high, cost = spec["minimum_age"], spec["maximum_age"], spec["cost_usd"]
        place = data["places"][zip_code]
        city, state, area = place["city"], place["state"], place["area_code"]
        org_id, service_id = make_id(key, "organization"), make_id(key, "service")
        location_id, sal_id = make_id(key, "location"), make_id(key, "sal")
        lat, lon = zip_centroid(zip_code) or (0.0, 0.0)
        add(
            "organization",
            {
                "id": org_id,
                "name": org,
                "description": f"{org} (synthetic demo organization, invented for medhome).",
            },
        )
        service = {
            "id": service_id,
            "organization_id": org_id,
            "name": name,
            "status": "active",
            "description": f"{name}: an invented demo service in {city}, {state}.",
            "eligibility_description": _eligibility(low, high),
            "fees_description": "Free" if cost == 0 else f"${cost} per visit; no one turned away",
        }
        service |= {k: v for k, v in (("minimum_age", low), ("maximum_age", high)) if v is not None}
        add("service", service)
        add(
            "location",
            {
                "id": location_id,
                "organization_id": org_id,
                "location_type": "physical",
                "name": org,
                "latitude": round(lat + rng.uniform(-0.01, 0.01), 5),
                "longitude": round(lon + rng.uniform(-0.01, 0.01), 5),
            },
        )
        add(
            "address",
            {
                "id": make_id(key, "address"),
                "location_id": location_id,
                "address_1": street,
                "city": city,
                "state_province": state,
                "postal_code": zip_code,
                "country": "US",
                "address_type": "physical",
            },
        )
        add(
            "service_at_location",
            {"id": sal_id, "service_id": service_id, "location_id": location_id},
        )
        add(
            "phone",
            {
                "id": make_id(key, "phone"),
                "service_id": service_id,
                "number": f"{area}-555-01{number:02d}",
                "type": "voice",
            },
        )
        for code in spec["languages"]:
            add(
                "language",
                {
                    "id": make_id(key, "language", code),
                    "service_id": service_id,
                    "code": code,
                    "name": data["language_names"][code],
                },
            )
        for index, hours in enumerate(spec["hours"]):
            add(
                "schedule",
                {
                    "id": make_id(key, "schedule", str(index)),
                    "service_id": service_id,
                    "freq": "WEEKLY",
                    "byday": hours["days"],
                    "opens_at": f"{hours['opens']}:00",
                    "closes_at": f"{hours['closes']}:00",
                },
            )
        if cost is not None:
            add(
                "cost_option",
                {
                    "id": make_id(key, "cost"),
                    "service_id": service_id,
                    "currency": "USD",
                    "amount": cost,
                    "option": "Free" if cost == 0 else "Per visit",
                },
            )
        if bring:
            add(
                "required_document",
                {
                    "id": make_id(key, "document"),
                    "service_id": service_id,
                    "document": bring,
                },
            )
        for need in spec["needs"]:
            add(
                "attribute",
                {
                    "id": make_id(key, "need", need),
                    "link_id": service_id,
                    "link_entity": "service",
                    "link_type": "need",
                    "taxonomy_term_id": str(need_term_id(need)),
                },
            )
    return rows


def _eligibility(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return "Families living in the area."
    return f"Children aged {low or 0:g} to {high:g} and their families."


def load_demo_directory(*, seed: int) -> ImportReport:
    """The needs taxonomy, the HSDS examples and the synthetic services; idempotent."""
    with transaction.atomic():
        reports = [
            import_rows(needs_taxonomy_rows(), source="needs taxonomy"),
            import_datapackage(EXAMPLES),
            import_rows(demo_rows(seed=seed), source="demo directory"),
        ]
        errors = [e for r in reports for e in r.errors]
        if errors:
            transaction.set_rollback(True)
            return ImportReport(errors=errors)
    report = ImportReport()
    for r in reports:
        for table, n in r.created.items():
            report.created[table] = report.created.get(table, 0) + n
        for table, n in r.updated.items():
            report.updated[table] = report.updated.get(table, 0) + n
    return report
