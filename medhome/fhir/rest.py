"""The FHIR REST interactions for every registered type: read, vread, search, history and the
CapabilityStatement (/fhir/metadata). Thin routes: the plan (search.py), the Bundles
(bundles.py), the audit (audit.py) and the refusals (errors.py → an OperationOutcome).

Order of the checks: a token (401), a type medhome serves (404), a scope that allows the
interaction (403), the parameters (400, before any query), then the rows — another practice's
id, a malformed id and an unknown id answer the same 404."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from medhome.smart.principal import FhirPrincipal, principal_for

from . import subset
from .audit import audit_answer
from .bundles import counted, history, resource_of, searchset, updated_of, version_of
from .capability import capability_statement
from .errors import BadRequest, FhirError, Forbidden, NotFound, Unauthorized
from .outcomes import error_response, fhir_response
from .params import date_q, parse_uuid
from .registry import REGISTRY, ResourceType
from .search import (
    Plan,
    count_of,
    matching,
    page_token,
    plan_search,
    read_page_token,
    readable,
    run_includes,
    run_search,
)

router = Router()

# A version is a change of state; no referral comes near this many.
MAX_VERSIONS = 200

View = Callable[..., HttpResponse]


def fhir_view(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except FhirError as error:
            return error_response(error)

    return wrapped


def fhir_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("metadata")


def _caller(request: HttpRequest) -> FhirPrincipal:
    principal = principal_for(request)
    if principal is None:
        raise Unauthorized("A valid bearer token is required.")
    return principal


def _allowed(
    request: HttpRequest, name: str, interaction: str
) -> tuple[FhirPrincipal, ResourceType]:
    principal = _caller(request)
    resource_type = REGISTRY.get(name)
    if resource_type is None:
        raise NotFound("unknown type")
    if not principal.allows(name, interaction):
        raise Forbidden(f"The token's scopes do not allow this interaction on {name}.")
    return principal, resource_type


def _one(principal: FhirPrincipal, resource_type: ResourceType, resource_id: str) -> Any:
    parsed = parse_uuid(resource_id)
    if parsed is None:
        raise NotFound("malformed id")
    rows = readable(resource_type, principal, "r")
    if resource_type.prepare is not None:
        rows = resource_type.prepare(rows)
    row = rows.filter(resource_type.with_ids([parsed])).first()
    if row is None:
        raise NotFound("unknown id")
    return row


def _versions(resource_type: ResourceType, principal: FhirPrincipal, row: Any) -> list[Any]:
    """The row's versions, newest first: the kept ones, else the current version alone."""
    if resource_type.versions is None:
        return [row]
    rows = readable(resource_type, principal, "r").filter(pk=row.pk)
    if resource_type.prepare is not None:
        rows = resource_type.prepare(rows)
    return resource_type.versions.of(rows, principal, "", 0, MAX_VERSIONS) or [row]


def _distinct(rows: list[Any]) -> list[Any]:
    """One per row: several versions of one row are one row read."""
    return list({row.pk: row for row in rows}.values())


def _read_headers(resource_type: ResourceType, row: Any) -> dict[str, str]:
    headers = {"ETag": f'W/"{version_of(resource_type, row)}"'}
    updated = updated_of(resource_type, row)
    if updated is not None:
        from django.utils.http import http_date

        headers["Last-Modified"] = http_date(updated.timestamp())
    return headers


@router.get("/metadata", url_name="metadata")
@fhir_view
def metadata(request: HttpRequest) -> HttpResponse:
    """Public, as FHIR requires: it names the OAuth endpoints an app needs to get a token."""
    oauth = {
        "authorize": request.build_absolute_uri("/oauth/authorize"),
        "token": request.build_absolute_uri("/oauth/token"),
    }
    return fhir_response(capability_statement(fhir_base(request), oauth))


@router.get("/{resource_type}/_history", url_name="history-type")
@fhir_view
def history_type(request: HttpRequest, resource_type: str) -> HttpResponse:
    principal, kind = _allowed(request, resource_type, "s")
    if not kind.updated_field:
        raise BadRequest(f"History of {kind.name} is not supported.")
    since, count, page = "", count_of(None), ""
    for name, value in _items(request.GET):
        if name == "_since":
            date_q("_since", "x", value, is_date=False)
            since = value
        elif name == "_count":
            count = count_of(value)
        elif name == "_page":
            page = value
        else:
            raise BadRequest(f"Parameter '{name[:60]}' is not supported on history.")
    plan = Plan(kind, count=count, order=(f"-{kind.updated_field}", "pk"))
    plan.asked = [("_count", str(count)), *([("_since", since)] if since else [])]
    plan.offset = read_page_token(page, plan, principal) if page else 0
    rows = readable(kind, principal, "s")
    prefixed = (since if since[:2].isalpha() else f"ge{since}") if since else ""
    if kind.prepare is not None:
        rows = kind.prepare(rows)
    if kind.versions is not None:
        found = kind.versions.of(rows, principal, prefixed, plan.offset, count + 1)
    else:
        if prefixed:
            rows = rows.filter(date_q("_since", kind.updated_field, prefixed, is_date=False))
        found = list(rows.order_by(*plan.order)[plan.offset : plan.offset + count + 1])
    page_rows = found[:count]
    base = fhir_base(request)
    url = f"{base}{kind.name}/_history"
    links = [{"relation": "self", "url": url}]
    if len(found) > count:
        token = page_token(plan, principal, plan.offset + count)
        links.append(
            {"relation": "next", "url": f"{url}?{urlencode([*plan.asked, ('_page', token)])}"}
        )
    resources = [resource_of(kind, row, principal) for row in page_rows]
    audit_answer(
        principal,
        resource_type=kind,
        interaction="history-type",
        answered=[(kind, _distinct(page_rows))],
    )
    return fhir_response(history(base=base, resources=resources, links=links))


@router.get("/{resource_type}/{resource_id}/_history", url_name="history-instance")
@fhir_view
def history_instance(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    principal, kind = _allowed(request, resource_type, "r")
    if request.GET:
        raise BadRequest(f"Parameter '{next(iter(request.GET))[:60]}' is not supported on history.")
    row = _one(principal, kind, resource_id)
    base = fhir_base(request)
    resources = [
        resource_of(kind, version, principal) for version in _versions(kind, principal, row)
    ]
    audit_answer(
        principal, resource_type=kind, interaction="history-instance", answered=[(kind, [row])]
    )
    url = f"{base}{kind.name}/{row.pk}/_history"
    return fhir_response(
        history(base=base, resources=resources, links=[{"relation": "self", "url": url}])
    )


@router.get("/{resource_type}/{resource_id}/_history/{version_id}", url_name="vread")
@fhir_view
def vread(
    request: HttpRequest, resource_type: str, resource_id: str, version_id: str
) -> HttpResponse:
    principal, kind = _allowed(request, resource_type, "r")
    row = _one(principal, kind, resource_id)
    version = next(
        (v for v in _versions(kind, principal, row) if version_of(kind, v) == version_id), None
    )
    if version is None:
        raise NotFound("version")
    audit_answer(principal, resource_type=kind, interaction="vread", answered=[(kind, [row])])
    return fhir_response(
        resource_of(kind, version, principal), headers=_read_headers(kind, version)
    )


@router.post("/{resource_type}/_search", url_name="search-post")
@fhir_view
def search_post(request: HttpRequest, resource_type: str) -> HttpResponse:
    content_type = request.content_type or ""
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest("POST _search takes application/x-www-form-urlencoded parameters.")
    items = [*_items(request.GET), *_items(request.POST)]
    return _search(request, resource_type, items)


@router.get("/{resource_type}/{resource_id}", url_name="read")
@fhir_view
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    principal, kind = _allowed(request, resource_type, "r")
    shown = subset.of_read(request.GET, kind.name)
    row = _one(principal, kind, resource_id)
    audit_answer(principal, resource_type=kind, interaction="read", answered=[(kind, [row])])
    resource = subset.apply(resource_of(kind, row, principal), shown)
    return fhir_response(resource, headers=_read_headers(kind, row))


@router.get("/{resource_type}", url_name="search")
@fhir_view
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    return _search(request, resource_type, _items(request.GET))


def _items(query: Any) -> list[tuple[str, str]]:
    return [(name, value) for name in query for value in query.getlist(name)]


def _search(request: HttpRequest, name: str, items: list[tuple[str, str]]) -> HttpResponse:
    principal, kind = _allowed(request, name, "s")
    plan = plan_search(kind, items, principal)
    if plan.subset.summary == "count":
        total = matching(plan, principal).count()
        audit_answer(principal, resource_type=kind, interaction="search-type", answered=[])
        return fhir_response(counted(base=fhir_base(request), plan=plan, total=total))
    page, has_next = run_search(plan, principal)
    included = run_includes(plan, principal, page)
    seen = {(kind.name, row.pk) for row in page}
    extra = []
    for target, rows in included:
        for row in rows:
            if (target.name, row.pk) not in seen:
                seen.add((target.name, row.pk))
                extra.append((target, row))
    audit_answer(
        principal,
        resource_type=kind,
        interaction="search-type",
        answered=[(kind, page), *included],
    )
    bundle = searchset(
        base=fhir_base(request),
        plan=plan,
        principal=principal,
        matches=[subset.apply(resource_of(kind, row, principal), plan.subset) for row in page],
        included=[
            subset.apply(resource_of(target, row, principal), plan.subset) for target, row in extra
        ],
        has_next=has_next,
    )
    return fhir_response(bundle)
