"""What the Open Referral API serves, read from the directory and nested as HSDS 3.0 JSON.

The endpoints, their query parameters and the page wrapper are the HSDS API's
(hsds_schema/openapi.json, copied from the openreferral/specification repository with the
schemas): `/services`, `/organizations`, `/taxonomies`, `/taxonomy_terms`,
`/service_at_locations`, each with `/{id}`; `/locations` is medhome's addition (the standard's
API has no list of locations; its items are plain HSDS `location` objects).

What is published: active services (HSDS `service.status` "active"), the organizations and
locations that offer one, their service-at-locations, and the taxonomies. Never the practice's
curation (PracticePartner: trusted, on-site, notes) nor anything of a referral; an organization
a practice added for an outside member of a care team (a name, no service) is not published.

Objects are built by the same code as the HSDS export (hsds_json.Nester over
hsds_tables.record_to_row rows); `gather` reads the rows a page needs table by table, so a page
costs a fixed number of queries whatever its size (one per table and nesting level).
"""

import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from .hsds_json import CHILDREN, NO_ATTRIBUTES, SINGLES, Nester
from .hsds_tables import record_to_row, tables
from .models import (
    Attribute,
    HsdsRecord,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .openreferral_near import PLACE_FILTERS, near

ACTIVE = (
    "active"  # hsds_schema/service.json: status is active, inactive, defunct, temporarily closed
)
HSDS_VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/3.0/hsds/"  # HSDS 3.0 itself, no profile on top


class BadRequest(ValueError):
    """A query the API refuses, with the message the client gets (HTTP 400)."""


# --- query parameters ----------------------------------------------------------------------


def _uuid(name: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest(f"{name} must be a UUID, not {value[:40]!r}.") from None


def _bool(name: str, value: str) -> bool:
    if value.lower() in {"true", "1"}:
        return True
    if value.lower() in {"false", "0"}:
        return False
    raise BadRequest(f"{name} must be true or false, not {value[:40]!r}.")


def _positive(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value[:40]!r}.") from None
    if number < 1:
        raise BadRequest(f"{name} must be 1 or more, not {number}.")
    return number


def _moment(name: str, value: str) -> datetime:
    """ISO 8601 date or date-time (openapi.json: format datetime); no zone means UTC."""
    try:
        moment = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO 8601 date-time such as 2024-05-01T00:00:00Z, "
            f"not {value[:40]!r}."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _format(name: str, value: str) -> str:
    if value not in {"json", "ndjson"}:
        raise BadRequest(f"{name} must be json or ndjson, not {value[:40]!r}.")
    return value


def _text(name: str, value: str) -> str:
    return value.strip()


PAGING: dict[str, Callable[[str, str], Any]] = {
    "page": _positive,
    "per_page": _positive,
    "format": _format,
}


def read_query(query: Mapping[str, str], allowed: dict[str, Callable[[str, str], Any]]) -> dict:
    """The parameters this endpoint knows, parsed; an unknown one is refused rather than
    ignored (a misspelt filter would otherwise silently answer everything)."""
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        names = ", ".join(sorted(allowed))
        raise BadRequest(f"Unknown parameter {unknown[0]!r}; this endpoint takes: {names}.")
    return {name: allowed[name](name, query[name]) for name in allowed if query.get(name, "")}


def config() -> dict[str, int]:
    return settings.MEDHOME_OPENREFERRAL


# --- reading rows for nesting --------------------------------------------------------------


def _rows(table: str, records: Any) -> list[dict[str, Any]]:
    spec = tables()[table]
    return [record_to_row(spec, r) for r in records]


def _published(table: str) -> QuerySet[Any]:
    """A table's rows that may appear nested: only active services, every row of the rest."""
    if table == "service":
        return Service.objects.filter(status=ACTIVE)
    return tables()[table].model._default_manager.all()


def gather(
    table: str, roots: list[dict[str, Any]], *, services_of_roots: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """The rows that nesting `roots` needs, one query per table and level (Nester's links:
    hsds_json.CHILDREN, SINGLES, attributes, metadata). An organization's services are read
    only for the roots and only when asked; services read here are active ones."""
    have: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in tables()}
    have[table] = {r["id"]: r for r in roots}
    frontier = {table: roots} if roots else {}
    first = True
    while frontier:
        wanted: dict[str, list[Q]] = defaultdict(list)
        for name, rows in frontier.items():
            ids = [r["id"] for r in rows]
            for key, child, column in CHILDREN.get(name, []):
                if key == "services" and not (first and services_of_roots):
                    continue
                wanted[child].append(Q(**{f"{column}__in": ids}))
            for _key, child, column in SINGLES.get(name, []):
                targets = {r[column] for r in rows if r.get(column)} - have[child].keys()
                if targets:
                    wanted[child].append(Q(pk__in=targets))
            if name not in NO_ATTRIBUTES:
                wanted["attribute"].append(Q(link_id__in=ids))
            if name != "metadata":
                wanted["metadata"].append(Q(resource_id__in=ids))
        first = False
        frontier = {}
        for child, conditions in wanted.items():
            found = _published(child).filter(reduce(or_, conditions))
            new = [r for r in _rows(child, found.order_by("pk")) if r["id"] not in have[child]]
            have[child].update((r["id"], r) for r in new)
            if new:
                frontier[child] = new
    return {name: list(rows.values()) for name, rows in have.items()}


def nested(
    table: str, records: list[HsdsRecord], *, services: str = "none"
) -> list[dict[str, Any]]:
    """Fully nested objects, in the records' order. For organizations, `services` is "none",
    "simple" (the active services' own fields) or "full" (each fully nested, without the
    organization repeated inside it)."""
    roots = _rows(table, records)
    rows = gather(table, roots, services_of_roots=services == "full")
    nester = Nester(rows)
    skip = frozenset() if services == "full" else frozenset({"services"})
    objects = [nester.nest(table, row, skip=skip) for row in roots]
    if table == "organization" and services == "full":
        for obj in objects:
            for service in obj.get("services", []):
                service.pop("organization", None)
            if obj.get("services"):
                obj["services"].sort(key=lambda service: (service["name"], service["id"]))
    if table == "organization" and services == "simple":
        by_org: dict[str, list[dict[str, Any]]] = defaultdict(list)
        found = Service.objects.filter(status=ACTIVE, organization_id__in=[r["id"] for r in roots])
        for row in _rows("service", found.order_by("name", "pk")):
            by_org[row["organization_id"]].append(row)
        for obj in objects:
            if by_org.get(obj["id"]):
                obj["services"] = by_org[obj["id"]]
    return objects


def with_singles(table: str, records: list[HsdsRecord]) -> list[dict[str, Any]]:
    """The records' own fields and their one-to-one objects, unnested (the standard's list
    payloads: service_list.json carries organization and program, taxonomy_term_list.json
    taxonomy_detail, service_at_location_list.json location and service)."""
    roots = _rows(table, records)
    links = SINGLES.get(table, [])
    if table == "service_at_location":
        links = [*links, ("service", "service", "service_id")]
    targets: dict[str, dict[str, dict[str, Any]]] = {}
    for _key, child, column in links:
        ids = {r[column] for r in roots if r.get(column)}
        found = _published(child).filter(pk__in=ids)
        targets[column] = {r["id"]: r for r in _rows(child, found)}
    for row in roots:
        for key, _child, column in links:
            target = targets[column].get(row.get(column, ""))
            if target is not None:
                row[key] = target
    return roots


# --- what is published ---------------------------------------------------------------------


def services() -> QuerySet[Service]:
    return Service.objects.filter(status=ACTIVE)


def organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(
        Exists(Service.objects.filter(status=ACTIVE, organization_id=OuterRef("pk")))
    )


def _active_sal() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.filter(
        Exists(Service.objects.filter(status=ACTIVE, pk=OuterRef("service_id")))
    )


def locations() -> QuerySet[Location]:
    return Location.objects.filter(Exists(_active_sal().filter(location_id=OuterRef("pk"))))


def service_at_locations() -> QuerySet[ServiceAtLocation]:
    return _active_sal()


def taxonomies() -> QuerySet[Taxonomy]:
    return Taxonomy.objects.all()


def taxonomy_terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.all()


def _words(fields: tuple[str, ...], text: str) -> Q:
    """Every word in one of the fields (case-insensitive)."""
    found = Q()
    for word in text.split():
        found &= reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields))
    return found


def _carrying(term: Q) -> Exists:
    """Records (services) carrying a taxonomy term through an HSDS attribute."""
    return Exists(Attribute.objects.filter(term, link_id=OuterRef("pk")))


def _service_filters(q: dict[str, Any], rows: QuerySet, prefix: str = "") -> QuerySet:
    if "search" in q:
        fields = ("name", "alternate_name", "description", "organization__name")
        rows = rows.filter(_words(tuple(prefix + f for f in fields), q["search"]))
    if "organization_id" in q:
        rows = rows.filter(**{f"{prefix}organization_id": q["organization_id"]})
    if "modified_after" in q:
        rows = rows.filter(**{f"{prefix}last_modified__gte": q["modified_after"]})
    ref = f"{prefix}pk" if prefix else "pk"
    if "taxonomy_term_id" in q:
        found = Attribute.objects.filter(taxonomy_term_id=q["taxonomy_term_id"])
        rows = rows.filter(Exists(found.filter(link_id=OuterRef(ref))))
    if "taxonomy_id" in q:
        found = Attribute.objects.filter(taxonomy_term__taxonomy_id=q["taxonomy_id"])
        rows = rows.filter(Exists(found.filter(link_id=OuterRef(ref))))
    return rows


# --- endpoints' logic ----------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One collection: its parameters, its published rows filtered, how an item is written."""

    table: str
    params: dict[str, Callable[[str, str], Any]]
    rows: Callable[[dict[str, Any]], QuerySet]
    items: Callable[[dict[str, Any], list[Any]], list[dict[str, Any]]]
    detail: Callable[[dict[str, Any], list[Any]], list[dict[str, Any]]]
    detail_params: dict[str, Callable[[str, str], Any]]
    order: tuple[str, ...] = ("name", "pk")


SERVICE_FILTERS: dict[str, Callable[[str, str], Any]] = {
    "search": _text,
    "taxonomy_term_id": _uuid,
    "taxonomy_id": _uuid,
    "organization_id": _uuid,
    "modified_after": _moment,
}


def _service_items(q: dict[str, Any], records: list[Any]) -> list[dict[str, Any]]:
    if q.get("minimal"):
        return [
            {k: v for k, v in r.items() if k in {"id", "last_modified"}}
            for r in _rows("service", records)
        ]
    return nested("service", records) if q.get("full") else with_singles("service", records)


def _organization_items(q: dict[str, Any], records: list[Any]) -> list[dict[str, Any]]:
    if q.get("full_service"):
        return nested("organization", records, services="full")
    if q.get("full"):
        return nested("organization", records, services="simple")
    return _rows("organization", records)


def _organization_detail(q: dict[str, Any], records: list[Any]) -> list[dict[str, Any]]:
    return nested("organization", records, services="full" if q.get("full_service") else "simple")


def _terms(q: dict[str, Any]) -> QuerySet:
    rows = taxonomy_terms()
    if "search" in q:
        rows = rows.filter(_words(("name", "code", "description"), q["search"]))
    if "taxonomy_id" in q:
        rows = rows.filter(taxonomy_id=q["taxonomy_id"])
    if "parent_id" in q:
        rows = rows.filter(parent_id=q["parent_id"])
    if q.get("top_only"):
        # openapi.json: "Only retrieve taxonomy terms that have not child terms" (sic); read as
        # the name says, the top of the tree: terms without a parent.
        rows = rows.filter(parent_id__isnull=True)
    return rows


def _plain(table: str) -> Callable[[dict[str, Any], list[Any]], list[dict[str, Any]]]:
    return lambda q, records: nested(table, records)


def _listed(table: str) -> Callable[[dict[str, Any], list[Any]], list[dict[str, Any]]]:
    return lambda q, records: (nested if q.get("full") else with_singles)(table, records)


ENDPOINTS: dict[str, Endpoint] = {
    "services": Endpoint(
        table="service",
        params={**SERVICE_FILTERS, "minimal": _bool, "full": _bool, **PAGING},
        rows=lambda q: _service_filters(q, services()),
        items=_service_items,
        detail=_plain("service"),
        detail_params={},
    ),
    "organizations": Endpoint(
        table="organization",
        params={"search": _text, "full": _bool, "full_service": _bool, **PAGING},
        rows=lambda q: organizations().filter(
            _words(("name", "alternate_name", "description"), q.get("search", ""))
        ),
        items=_organization_items,
        detail=_organization_detail,
        detail_params={"full_service": _bool},
    ),
    "locations": Endpoint(
        table="location",
        params={"search": _text, "organization_id": _uuid, "full": _bool, **PAGING},
        rows=lambda q: (
            locations()
            .filter(_words(("name", "alternate_name", "description"), q.get("search", "")))
            .filter(**({"organization_id": q["organization_id"]} if "organization_id" in q else {}))
        ),
        items=_listed("location"),
        detail=_plain("location"),
        detail_params={},
    ),
    "service_at_locations": Endpoint(
        table="service_at_location",
        params={**SERVICE_FILTERS, **PLACE_FILTERS, "full": _bool, **PAGING},
        rows=lambda q: near(q, _service_filters(q, service_at_locations(), prefix="service__")),
        items=_listed("service_at_location"),
        detail=_plain("service_at_location"),
        detail_params={},
        order=("service__name", "pk"),
    ),
    "taxonomies": Endpoint(
        table="taxonomy",
        params={"search": _text, **PAGING},
        rows=lambda q: taxonomies().filter(_words(("name", "description"), q.get("search", ""))),
        items=_plain("taxonomy"),
        detail=_plain("taxonomy"),
        detail_params={},
    ),
    "taxonomy_terms": Endpoint(
        table="taxonomy_term",
        params={
            "search": _text,
            "taxonomy_id": _uuid,
            "parent_id": _uuid,
            "top_only": _bool,
            **PAGING,
        },
        rows=_terms,
        items=_plain("taxonomy_term"),
        detail=_plain("taxonomy_term"),
        detail_params={},
    ),
}


def page(endpoint: Endpoint, query: Mapping[str, str]) -> dict[str, Any]:
    """One page in the API's wrapper (openapi.json components.schemas.Page, plus contents).
    per_page above the cap is lowered to it (`size` says how many came); a page past the last
    is empty, as the wrapper allows. Queries: the count, the page, and its items' tables."""
    q = read_query(query, endpoint.params)
    per_page = min(q.get("per_page", config()["default_per_page"]), config()["max_per_page"])
    number = q.get("page", 1)
    rows = endpoint.rows(q)
    total = rows.count()
    start = (number - 1) * per_page
    records = (
        list(rows.order_by(*endpoint.order)[start : start + per_page]) if total > start else []
    )
    contents = endpoint.items(q, records) if records else []
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def stream(endpoint: Endpoint, query: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Every item, unpaged (format=ndjson), read a capped page's worth at a time."""
    q = read_query(query, endpoint.params)
    ids = list(endpoint.rows(q).order_by(*endpoint.order).values_list("pk", flat=True))
    model = tables()[endpoint.table].model
    step = config()["max_per_page"]
    for start in range(0, len(ids), step):
        batch = ids[start : start + step]
        found = model._default_manager.in_bulk(batch)
        yield from endpoint.items(q, [found[pk] for pk in batch if pk in found])


def one(endpoint: Endpoint, record_id: str, query: Mapping[str, str]) -> dict[str, Any] | None:
    """The published object with this id, or None (unknown, or not published)."""
    q = read_query(query, endpoint.detail_params)
    key = _uuid("id", record_id)
    record = endpoint.rows({}).filter(pk=key).first()
    return endpoint.detail(q, [record])[0] if record is not None else None


def info() -> dict[str, str]:
    """GET / (openapi.json getAPIMetaInformation; examples/base.json)."""
    return {"version": HSDS_VERSION, "profile": PROFILE}
