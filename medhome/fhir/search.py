"""A search request read into a plan BEFORE any query runs, then run in a fixed number of
queries per page.

Refused with 400 before any query (../shared/docs/security.md, "inference through search
criteria"): an unknown parameter, a chain (`subject.name`, `patient:Patient.name`), `_has`,
`_filter`, `_query`, `_contained`, `_include:iterate`, an undeclared modifier or include, an
unknown `_sort` key. Every filter applies to `rows(principal)` (tenancy, role, consent) and the
launch child's narrowing, so a criterion can only ever narrow what the caller may read anyway.
"""

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Model, QuerySet

from medhome.smart.principal import FhirPrincipal

from .errors import BadRequest, Forbidden, NotSupported
from .params import date_q, parse_uuid, split_values
from .registry import REGISTRY, Include, ResourceType, SearchParam
from .subset import Subset, parse_elements, parse_summary

# Result parameters medhome serves for every type.
RESULT_PARAMS = frozenset(
    {"_count", "_sort", "_include", "_revinclude", "_page", "_format", "_summary", "_elements"}
)
# FHIR features refused on purpose, each named in the answer.
REFUSED = {
    "_has": "reverse chaining (_has) is not supported",
    "_filter": "_filter is not supported",
    "_query": "named queries (_query) are not supported",
    "_contained": "_contained is not supported",
    "_containedType": "_containedType is not supported",
    "_text": "_text is not supported",
    "_content": "_content is not supported",
    "_list": "_list is not supported",
    "_total": "_total is not supported",
    "_type": "_type is not supported on a type's search",
    "_tag": "_tag is not supported",
    "_profile": "_profile is not supported",
    "_security": "_security is not supported",
    "_source": "_source is not supported",
}
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
PAGE_SALT = "medhome.fhir.page"


@dataclass
class Plan:
    resource_type: ResourceType
    filters: list[tuple[SearchParam, list[str], str]] = field(default_factory=list)
    ids: list[list[str]] = field(default_factory=list)  # each `_id` occurrence
    last_updated: list[str] = field(default_factory=list)
    order: tuple[str, ...] = ()
    count: int = 50
    offset: int = 0
    includes: list[Include] = field(default_factory=list)
    revincludes: list[Include] = field(default_factory=list)
    # The parameters as asked (without the page token): the links repeat them.
    asked: list[tuple[str, str]] = field(default_factory=list)
    subset: Subset = Subset()


def count_of(raw: str | None) -> int:
    limits = settings.MEDHOME_FHIR
    if raw is None:
        return int(limits["default_count"])
    if not raw.isdigit():
        raise BadRequest("Parameter '_count' must be a non-negative whole number.")
    return min(int(raw), int(limits["max_count"]))  # above the maximum: capped, not refused


def sorts_of(resource_type: ResourceType) -> dict[str, str]:
    """The type's `_sort` allow-list, with `_id` and `_lastUpdated` for every type."""
    found = {"_id": "pk", **resource_type.sorts}
    if resource_type.updated_field:
        found.setdefault("_lastUpdated", resource_type.updated_field)
    return found


def plan_search(
    resource_type: ResourceType,
    items: list[tuple[str, str]],
    principal: FhirPrincipal,
) -> Plan:
    """Read the request's parameters (name, value pairs in order) into a plan, or refuse."""
    plan = Plan(resource_type)
    seen_result: set[str] = set()
    page_token = ""
    elements = ""
    for name, value in items:
        base, _sep, modifier = name.partition(":")
        if base.startswith("_has") or name.startswith("_has"):
            raise NotSupported(f"Parameter '{name[:60]}': {REFUSED['_has']}.")
        if "." in name:
            raise NotSupported(f"Parameter '{name[:60]}': chained parameters are not supported.")
        if base in REFUSED:
            raise NotSupported(f"Parameter '{base}': {REFUSED[base]}.")
        if base in ("_include", "_revinclude"):
            if modifier:
                raise NotSupported(f"Parameter '{name[:60]}': only non-iterating {base}.")
            plan.asked.append((name, value))
            _plan_include(plan, base, value, principal)
            continue
        if base in RESULT_PARAMS:
            if modifier:
                raise BadRequest(f"Parameter '{name[:60]}' takes no modifier.")
            if base in seen_result:
                raise BadRequest(f"Parameter '{base}' is given more than once.")
            seen_result.add(base)
            if base == "_page":
                page_token = value
                continue
            plan.asked.append((name, value))
            if base == "_count":
                plan.count = count_of(value)
            elif base == "_sort":
                plan.order = _order(resource_type, value)
            elif base == "_format" and value not in JSON_FORMATS:
                raise BadRequest("Parameter '_format': medhome answers FHIR JSON only.")
            elif base == "_summary":
                plan.subset = replace(plan.subset, summary=parse_summary(value))
            elif base == "_elements":
                elements = value
            continue
        if value == "":
            raise BadRequest(f"Parameter '{name[:60]}' has no value.")
        plan.asked.append((name, value))
        if base == "_id":
            if modifier:
                raise BadRequest("Parameter '_id' takes no modifier.")
            plan.ids.append(split_values(value))
        elif base == "_lastUpdated":
            if modifier:
                raise BadRequest("Parameter '_lastUpdated' takes no modifier.")
            if not resource_type.updated_field:
                raise BadRequest(
                    f"Parameter '_lastUpdated' is not supported for {resource_type.name}."
                )
            date_q("_lastUpdated", "x", value, is_date=False)  # reads it now: 400 before a query
            plan.last_updated.append(value)
        elif base in resource_type.params:
            param = resource_type.params[base]
            if modifier and modifier not in param.modifiers:
                raise BadRequest(
                    f"Parameter '{base}': the modifier ':{modifier[:30]}' is not supported."
                )
            plan.filters.append((param, split_values(value), modifier))
        else:
            raise BadRequest(
                f"Parameter '{base[:60]}' is not a search parameter of {resource_type.name}."
            )
    if elements:
        if plan.subset.summary:
            raise BadRequest("Parameters '_summary' and '_elements' cannot be used together.")
        answered = (resource_type.name, *(i.target for i in [*plan.includes, *plan.revincludes]))
        plan.subset = Subset(elements=parse_elements(elements, answered))
    if "_count" not in seen_result:
        plan.count = count_of(None)
    if not plan.order:
        plan.order = resource_type.default_order
    if "pk" not in plan.order and "-pk" not in plan.order:
        plan.order = (*plan.order, "pk")  # a total order: pages never repeat or skip a row
    if page_token:
        plan.offset = read_page_token(page_token, plan, principal)
    return plan


def _order(resource_type: ResourceType, value: str) -> tuple[str, ...]:
    allowed = sorts_of(resource_type)
    order = []
    for key in value.split(","):
        descending = key.startswith("-")
        name = key[1:] if descending else key
        if name not in allowed:
            raise BadRequest(
                f"Parameter '_sort': '{name[:40]}' is not a sort key of {resource_type.name}."
            )
        order.append(("-" if descending else "") + allowed[name])  # never the user's string
    return tuple(order)


def _plan_include(plan: Plan, kind: str, value: str, principal: FhirPrincipal) -> None:
    declared = plan.resource_type.includes if kind == "_include" else plan.resource_type.revincludes
    parts = value.split(":")
    key = ":".join(parts[:2])
    found = declared.get(key)
    if found is None or len(parts) > 3 or (len(parts) == 3 and parts[2] != found.target):
        raise BadRequest(
            f"Parameter '{kind}': '{value[:60]}' is not supported for {plan.resource_type.name}."
        )
    if not principal.allows(found.target, "r"):
        raise Forbidden(
            f"Parameter '{kind}': the token's scopes do not allow reading {found.target}."
        )
    (plan.includes if kind == "_include" else plan.revincludes).append(found)


def _digest(plan: Plan, principal: FhirPrincipal) -> str:
    key = repr(
        (
            plan.resource_type.name,
            principal.client_id,
            str(principal.actor.practice_id),
            str(principal.organization_id),
            sorted(plan.asked),
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def page_token(plan: Plan, principal: FhirPrincipal, offset: int) -> str:
    """An opaque, signed page token bound to this search, client and practice: it cannot be
    edited into another offset of another query or another practice's search."""
    return signing.dumps(
        {"o": offset, "k": _digest(plan, principal)}, salt=PAGE_SALT, compress=True
    )


def read_page_token(token: str, plan: Plan, principal: FhirPrincipal) -> int:
    try:
        found = signing.loads(token, salt=PAGE_SALT)
    except signing.BadSignature:
        raise BadRequest("Parameter '_page' is not a page of this search.") from None
    if not isinstance(found, dict) or found.get("k") != _digest(plan, principal):
        raise BadRequest("Parameter '_page' is not a page of this search.")
    offset = found.get("o")
    if not isinstance(offset, int) or offset < 0:
        raise BadRequest("Parameter '_page' is not a page of this search.")
    return offset


def readable(
    resource_type: ResourceType, principal: FhirPrincipal, interaction: str
) -> QuerySet[Any]:
    """Every row of the type the principal may reach for this interaction: `rows(principal)`
    (tenancy, role, consent), narrowed to the launch child when only a patient/ scope grants it.
    A type outside the patient compartment (Practitioner, Organization, Location) is not
    narrowed: a patient/ token with its scope reads the practice's directory (decision in
    docs: these hold no child's data)."""
    rows = resource_type.rows(principal)
    child_id = principal.only_patient(resource_type.name, interaction)
    if child_id is not None and resource_type.patient_path is not None:
        path = resource_type.patient_path or "pk"
        rows = rows.filter(**{path: child_id})
    return rows


def run_search(plan: Plan, principal: FhirPrincipal) -> tuple[list[Model], bool]:
    """The page's rows and whether another page follows (one query for the page, plus the
    type's prefetches)."""
    resource_type = plan.resource_type
    rows = matching(plan, principal)
    if resource_type.prepare is not None:
        rows = resource_type.prepare(rows)
    found = list(rows.order_by(*plan.order)[plan.offset : plan.offset + plan.count + 1])
    return found[: plan.count], len(found) > plan.count


def matching(plan: Plan, principal: FhirPrincipal) -> QuerySet[Any]:
    """Every row the search matches among those the principal may read (for `_summary=count`,
    their number)."""
    resource_type = plan.resource_type
    rows = readable(resource_type, principal, "s")
    for values in plan.ids:
        rows = rows.filter(
            resource_type.with_ids([u for u in map(parse_uuid, values) if u is not None])
        )
    for value in plan.last_updated:
        rows = rows.filter(
            date_q("_lastUpdated", str(resource_type.updated_field), value, is_date=False)
        )
    for param, values, modifier in plan.filters:
        rows = param.apply(rows, values, modifier)
    return rows


def run_includes(
    plan: Plan, principal: FhirPrincipal, page: list[Model]
) -> list[tuple[ResourceType, list[Model]]]:
    """The rows `_include` and `_revinclude` add, each through the TARGET type's own rows for
    this principal: an include never reaches what a read of that type could not."""
    found: list[tuple[ResourceType, list[Model]]] = []
    if not page:
        return found
    for include in [*plan.includes, *plan.revincludes]:
        target = REGISTRY[include.target]
        rows = include.related(readable(target, principal, "r"), page)
        if target.prepare is not None:
            rows = target.prepare(rows)
        found.append((target, list(rows.order_by(*target.default_order).distinct())))
    return found
