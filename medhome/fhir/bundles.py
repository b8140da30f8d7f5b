"""Resources with their meta, and the Bundles of search and history answers."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.utils import timezone

from medhome.smart.principal import FhirPrincipal

from .registry import ResourceType
from .search import Plan, page_token


def _attribute(row: Model, path: str | None) -> Any:
    value: Any = row
    for part in (path or "").split("__"):
        if value is None or not part:
            return None
        value = getattr(value, part, None)
    return value


def version_of(resource_type: ResourceType, row: Model) -> str:
    """meta.versionId: the row's version counter, or "1" where medhome keeps none (history
    answers the current version only)."""
    value = _attribute(row, resource_type.version_field) if resource_type.version_field else None
    return str(value) if value is not None else "1"


def updated_of(resource_type: ResourceType, row: Model) -> datetime | None:
    value = _attribute(row, resource_type.updated_field) if resource_type.updated_field else None
    return value if isinstance(value, datetime) else None


def instant(moment: datetime) -> str:
    return timezone.localtime(moment, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def resource_of(
    resource_type: ResourceType, row: Model, principal: FhirPrincipal
) -> dict[str, Any]:
    """The row's FHIR JSON with id, meta.versionId and meta.lastUpdated set by the framework."""
    resource = resource_type.to_resource(row, principal)
    resource.setdefault("resourceType", resource_type.name)
    resource.setdefault("id", str(row.pk))
    meta = dict(resource.get("meta") or {})
    meta.setdefault("versionId", version_of(resource_type, row))
    updated = updated_of(resource_type, row)
    if updated is not None:
        meta.setdefault("lastUpdated", instant(updated))
    if resource_type.profiles:
        meta.setdefault("profile", list(resource_type.profiles))
    # meta first, as FHIR JSON is usually written.
    return {"resourceType": resource["resourceType"], "id": resource["id"], "meta": meta} | {
        k: v for k, v in resource.items() if k not in ("resourceType", "id", "meta")
    }


def searchset(
    *,
    base: str,
    plan: Plan,
    principal: FhirPrincipal,
    matches: list[dict[str, Any]],
    included: list[dict[str, Any]],
    has_next: bool,
) -> dict[str, Any]:
    type_url = f"{base}{plan.resource_type.name}"

    def link(offset: int | None) -> str:
        asked = list(plan.asked)
        if offset:
            asked.append(("_page", page_token(plan, principal, offset)))
        return f"{type_url}?{urlencode(asked)}" if asked else type_url

    links = [{"relation": "self", "url": link(plan.offset)}]
    if has_next:
        links.append({"relation": "next", "url": link(plan.offset + plan.count)})
    if plan.offset:
        links.append({"relation": "previous", "url": link(max(plan.offset - plan.count, 0))})
    entries = [
        {"fullUrl": f"{base}{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": mode}}
        for mode, group in (("match", matches), ("include", included))
        for r in group
    ]
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "link": links}
    if entries:
        bundle["entry"] = entries
    return bundle


def counted(*, base: str, plan: Plan, total: int) -> dict[str, Any]:
    """`_summary=count`: how many match, no entry."""
    url = f"{base}{plan.resource_type.name}?{urlencode(plan.asked)}"
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": url}],
    }


def history(
    *, base: str, resources: list[dict[str, Any]], links: list[dict[str, str]]
) -> dict[str, Any]:
    """A history Bundle of current versions (medhome keeps no past versions of most rows)."""
    entries = []
    for resource in resources:
        meta = resource.get("meta") or {}
        response: dict[str, Any] = {"status": "200 OK", "etag": f'W/"{meta.get("versionId", "1")}"'}
        if meta.get("lastUpdated"):
            response["lastModified"] = meta["lastUpdated"]
        entries.append(
            {
                "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "request": {
                    "method": "POST" if meta.get("versionId", "1") == "1" else "PUT",
                    "url": f"{resource['resourceType']}"
                    + ("" if meta.get("versionId", "1") == "1" else f"/{resource['id']}"),
                },
                "response": response,
            }
        )
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "history", "link": links}
    if entries:
        bundle["entry"] = entries
    return bundle
