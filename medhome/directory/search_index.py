"""Rebuilds the search columns (models/search.py) of services from their HSDS rows.

Set-based: a fixed number of queries per batch of services, whatever their size.
"""

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import time
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from .geo import normalize_zip, valid_point, zip_centroid
from .models import (
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    SearchHours,
    SearchLanguage,
    SearchNeed,
    Service,
    ServiceAtLocation,
    ServiceSearch,
)
from .store import chunks
from .taxonomy import need_for_term

# HSDS offers a service that is "active" (hsds_schema/service.json `status` enum); inactive,
# defunct and temporarily closed services are kept but not found.
SEARCHABLE_STATUS = "active"
# medhome's line for "low cost": a nominal fee (a co-pay, a membership card) still counts.
LOW_COST_MAX_USD = 5.0
FREE_WORDING = re.compile(r"\bfree\b|no cost|no charge|sliding", re.IGNORECASE)
# ISO 639-2 (HSDS examples use "eng") to ISO 639-1, so one code names one language.
LANGUAGE_CODES = {
    "eng": "en",
    "spa": "es",
    "por": "pt",
    "vie": "vi",
    "hat": "ht",
    "fra": "fr",
    "fre": "fr",
    "zho": "zh",
    "chi": "zh",
    "ara": "ar",
    "rus": "ru",
    "urd": "ur",
    "pol": "pl",
    "slk": "sk",
    "slo": "sk",
    "som": "so",
    "cpv": "kea",
}
LANGUAGE_NAMES = {"english": "en", "spanish": "es", "portuguese": "pt", "vietnamese": "vi"}
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # RFC 5545 BYDAY, as hsds schedule.byday


def language_code(code: str, name: str = "") -> str:
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    if not base:
        return LANGUAGE_NAMES.get((name or "").strip().lower(), "")
    return LANGUAGE_CODES.get(base, base)


def weekly_intervals(
    freq: str, byday: str, opens_at: time | None, closes_at: time | None
) -> list[tuple[int, int, int]]:
    """(weekday, opens, closes) in minutes for a weekly HSDS schedule; [] for other shapes."""
    if (freq and freq.upper() != "WEEKLY") or not byday or opens_at is None or closes_at is None:
        return []
    days = [DAYS.index(t.strip()) for t in byday.upper().split(",") if t.strip() in DAYS]
    opens = opens_at.hour * 60 + opens_at.minute
    closes = closes_at.hour * 60 + closes_at.minute or 24 * 60
    intervals = []
    for day in days:
        if closes > opens:
            intervals.append((day, opens, closes))
        else:  # past midnight: the rest of the day, then the next morning
            intervals.append((day, opens, 24 * 60))
            intervals.append(((day + 1) % 7, 0, closes))
    return intervals


def _rows(queryset: QuerySet, column: str, ids: set[Any] | None, *fields: str) -> list[dict]:
    if ids is None:
        return list(queryset.values(*fields))
    found: dict[Any, dict] = {}
    for batch in chunks(ids):
        for row in queryset.filter(**{f"{column}__in": batch}).values(*fields):
            found[row["id"]] = row
    return list(found.values())


def _free(costs: list[dict], fees_description: str) -> bool:
    if not costs:
        return bool(FREE_WORDING.search(fees_description or ""))
    return all(
        c["amount"] is None
        or c["amount"] <= 0
        or ((c["currency"] or "usd").lower() == "usd" and c["amount"] <= LOW_COST_MAX_USD)
        for c in costs
    )


@transaction.atomic
def refresh(service_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Rebuild the search rows of these services (all when None); returns rows written."""
    wanted = None if service_ids is None else set(service_ids)
    if wanted is not None and not wanted:
        return 0
    if wanted is None:
        ServiceSearch.objects.all().delete()
    else:
        for batch in chunks(wanted):
            ServiceSearch.objects.filter(service_id__in=batch).delete()
    services = _rows(
        Service.objects.filter(status=SEARCHABLE_STATUS),
        "pk",
        wanted,
        "id",
        "name",
        "organization_id",
        "minimum_age",
        "maximum_age",
        "fees_description",
    )
    ids = {s["id"] for s in services}
    if not ids:
        return 0
    data = _load(ids, {s["organization_id"] for s in services if s["organization_id"]})
    return _write(services, data)


def _load(ids: set[uuid.UUID], org_ids: set[uuid.UUID]) -> dict[str, Any]:
    sals = _rows(
        ServiceAtLocation.objects.all(), "service_id", ids, "id", "service_id", "location_id"
    )
    sal_ids = {s["id"] for s in sals}
    location_ids = {s["location_id"] for s in sals if s["location_id"]}
    phones = {
        row["id"]: row
        for column, keys in (("service_id", ids), ("service_at_location_id", sal_ids))
        for row in _rows(
            Phone.objects.all(), column, keys, "id", "service_id", "service_at_location_id"
        )
    }
    languages = {
        row["id"]: row
        for column, keys in (
            ("service_id", ids),
            ("location_id", location_ids),
            ("phone_id", set(phones)),
        )
        for row in _rows(
            Language.objects.all(),
            column,
            keys,
            "id",
            "service_id",
            "location_id",
            "phone_id",
            "code",
            "name",
        )
    }
    schedule_fields = (
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
    )
    schedules = {
        row["id"]: row
        for column, keys in (
            ("service_id", ids),
            ("service_at_location_id", sal_ids),
            ("location_id", location_ids),
        )
        for row in _rows(Schedule.objects.all(), column, keys, *schedule_fields)
    }
    terms = _rows(
        Attribute.objects.filter(taxonomy_term__isnull=False),
        "link_id",
        ids | sal_ids,
        "id",
        "link_id",
        "taxonomy_term_id",
        "taxonomy_term__taxonomy_id",
        "taxonomy_term__code",
    )
    return {
        "organizations": {
            o
            for batch in chunks(org_ids)
            for o in Organization.objects.filter(pk__in=batch).values_list("pk", flat=True)
        },
        "sals": sals,
        "locations": {
            row["id"]: row
            for row in _rows(
                Location.objects.all(), "pk", location_ids, "id", "latitude", "longitude"
            )
        },
        "addresses": _rows(
            Address.objects.all(),
            "location_id",
            location_ids,
            "id",
            "location_id",
            "address_type",
            "postal_code",
        ),
        "languages": _index_languages(languages.values(), phones),
        "schedules": _index_schedules(schedules.values()),
        "costs": _rows(
            CostOption.objects.all(), "service_id", ids, "id", "service_id", "amount", "currency"
        ),
        "terms": terms,
    }


def _write(services: list[dict], data: dict[str, Any]) -> int:
    sals_by_service = defaultdict(list)
    for sal in data["sals"]:
        sals_by_service[sal["service_id"]].append(sal)
    address_by_location: dict[Any, dict] = {}
    for address in sorted(data["addresses"], key=lambda a: a["address_type"] != "physical"):
        address_by_location.setdefault(address["location_id"], address)
    costs = defaultdict(list)
    for cost in data["costs"]:
        costs[cost["service_id"]].append(cost)
    needs_by_link = defaultdict(set)
    for row in data["terms"]:
        need = need_for_term(
            row["taxonomy_term_id"], row["taxonomy_term__taxonomy_id"], row["taxonomy_term__code"]
        )
        if need:
            needs_by_link[row["link_id"]].add(need)
    searches: list[ServiceSearch] = []
    children: list[tuple[ServiceSearch, set[str], set[str], list[dict]]] = []
    for service in services:
        for sal in sals_by_service.get(service["id"]) or [None]:
            location = data["locations"].get(sal["location_id"]) if sal else None
            address = address_by_location.get(location["id"]) if location else None
            zip_code = normalize_zip(address["postal_code"]) if address else ""
            point = (location["latitude"], location["longitude"]) if location else (None, None)
            if not valid_point(*point):
                point = zip_centroid(zip_code) or (None, None)
            needs = needs_by_link[service["id"]] | (needs_by_link[sal["id"]] if sal else set())
            languages = _languages(service["id"], sal, location, data)
            search = ServiceSearch(
                service_id=service["id"],
                service_at_location_id=sal["id"] if sal else None,
                organization_id=service["organization_id"]
                if service["organization_id"] in data["organizations"]
                else None,
                location_id=location["id"] if location else None,
                address_id=address["id"] if address else None,
                name=service["name"],
                zip_code=zip_code,
                latitude=point[0],
                longitude=point[1],
                minimum_age=service["minimum_age"],
                maximum_age=service["maximum_age"],
                free_or_low_cost=_free(costs[service["id"]], service["fees_description"]),
                needs=",".join(sorted(needs)),
                languages=",".join(sorted(languages)),
            )
            searches.append(search)
            children.append(
                (search, needs, languages, _schedules(service["id"], sal, location, data))
            )
    ServiceSearch.objects.bulk_create(searches, batch_size=500)
    SearchNeed.objects.bulk_create(
        [SearchNeed(search=s, need=n) for s, needs, _, _ in children for n in needs],
        batch_size=1000,
    )
    SearchLanguage.objects.bulk_create(
        [SearchLanguage(search=s, code=c) for s, _, codes, _ in children for c in codes],
        batch_size=1000,
    )
    SearchHours.objects.bulk_create(
        [
            SearchHours(
                search=s,
                weekday=day,
                opens=opens,
                closes=closes,
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
            )
            for s, _, _, rows in children
            for row in rows
            for day, opens, closes in weekly_intervals(
                row["freq"], row["byday"], row["opens_at"], row["closes_at"]
            )
        ],
        batch_size=1000,
    )
    return len(searches)


def _index_languages(rows: Iterable[dict], phones: dict[Any, dict]) -> dict[tuple, set[str]]:
    """Language codes by ("service", id), ("sal", id) and ("location", id)."""
    index: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        code = language_code(row["code"], row["name"])
        if not code:
            continue
        owners = [("service", row["service_id"]), ("location", row["location_id"])]
        phone = phones.get(row["phone_id"])
        if phone:
            owners += [("service", phone["service_id"]), ("sal", phone["service_at_location_id"])]
        for owner in owners:
            if owner[1]:
                index[owner].add(code)
    return index


def _languages(service_id: Any, sal: dict | None, location: dict | None, data: dict) -> set[str]:
    index = data["languages"]
    codes = set(index.get(("service", service_id), ()))
    if sal:
        codes |= index.get(("sal", sal["id"]), set())
    if location:
        codes |= index.get(("location", location["id"]), set())
    return codes


def _index_schedules(rows: Iterable[dict]) -> dict[tuple, list[dict]]:
    index: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["service_at_location_id"]:
            index[("sal", row["service_at_location_id"])].append(row)
        if row["service_id"]:
            index[("service", row["service_id"])].append(row)
        elif row["location_id"] and not row["service_at_location_id"]:
            index[("location", row["location_id"])].append(row)
    return index


def _schedules(service_id: Any, sal: dict | None, location: dict | None, data: dict) -> list[dict]:
    """The schedules that say when this service is open here: the service-at-location's own,
    else the service's, else the location's (HSDS lets the more specific one override)."""
    index = data["schedules"]
    if sal and index.get(("sal", sal["id"])):
        return index[("sal", sal["id"])]
    location_id = location["id"] if location else None
    service_rows = [
        r for r in index.get(("service", service_id), []) if r["location_id"] in (None, location_id)
    ]
    if service_rows or not location_id:
        return service_rows
    return index.get(("location", location_id), [])
