"""Principals and a search runner for the care resource types' tests: the registry's
`rows` / params / `prepare` / `to_resource` exactly as the REST routes call them."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.fhir.params import split_values
from medhome.fhir.registry import REGISTRY
from medhome.smart.principal import FhirPrincipal
from medhome.smart.scopes import parse_scopes


def staff(user: Any, practice: Any, role: str = Role.PEDIATRICIAN) -> FhirPrincipal:
    actor = Actor(user=user, practice=practice, role=role, capabilities=capabilities_of(role))
    return FhirPrincipal(
        actor=actor, kind="user", client_id="test-app", scopes=parse_scopes("user/*.rs")
    )


def system(practice: Any, capabilities: frozenset[str]) -> FhirPrincipal:
    actor = Actor(user=None, practice=practice, role="system", capabilities=capabilities)
    return FhirPrincipal(
        actor=actor, kind="system", client_id="backend", scopes=parse_scopes("system/*.rs")
    )


def partner(user: Any, organization: Any) -> FhirPrincipal:
    actor = Actor(user=user, organization=organization)
    return FhirPrincipal(
        actor=actor,
        kind="partner",
        client_id="partner",
        scopes=parse_scopes("system/*.rs"),
        organization_id=organization.pk,
    )


def search(type_name: str, principal: FhirPrincipal, *params: tuple[str, str]) -> list[Any]:
    """The rows a search answers: each (name[:modifier], value) applied in turn (AND), its
    comma-separated values OR'ed, as the REST search does."""
    resource_type = REGISTRY[type_name]
    rows = resource_type.rows(principal)
    for name, value in params:
        base, _sep, modifier = name.partition(":")
        rows = resource_type.params[base].apply(rows, split_values(value), modifier)
    return list(rows.order_by(*resource_type.default_order))


def ids(type_name: str, principal: FhirPrincipal, *params: tuple[str, str]) -> set[str]:
    return {str(row.pk) for row in search(type_name, principal, *params)}


def page(type_name: str, principal: FhirPrincipal) -> tuple[list[dict[str, Any]], int]:
    """Every row of the type as FHIR JSON through `prepare`, and the queries it took (the
    page query and its prefetches included)."""
    resource_type = REGISTRY[type_name]
    rows = resource_type.rows(principal).order_by(*resource_type.default_order)
    if resource_type.prepare is not None:
        rows = resource_type.prepare(rows)
    with CaptureQueriesContext(connection) as queries:
        resources = [resource_type.to_resource(row, principal) for row in rows]
    return resources, len(queries)


def one(type_name: str, principal: FhirPrincipal, pk: Any) -> dict[str, Any]:
    resource_type = REGISTRY[type_name]
    rows = resource_type.rows(principal).filter(pk=pk)
    if resource_type.prepare is not None:
        rows = resource_type.prepare(rows)
    return resource_type.to_resource(rows.get(), principal)
