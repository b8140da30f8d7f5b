"""The FHIR resource types medhome serves, each declared once as data.

A resource module (`medhome/fhir/resources/<type>.py`) maps medhome's rows to one FHIR type
and registers a `ResourceType`; the API (`api.py`) serves read, search and history for every
registered type the same way, and the CapabilityStatement is written from this registry, so
what is declared is what is served.

Rows always come through `rows(principal)`: the practice's rows for the principal's actor via
`practices.scoping` (tenancy and the role's capability), narrowed by consent for a partner's
client; the API then narrows to the launch child for a `patient/`-only scope through
`patient_path`. Search parameters are an allow-list: an unknown, chained (`a.b`) or `_has`
parameter is refused with 400 before any query runs (../shared/docs/security.md: inference
through search criteria).
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Model, Q, QuerySet

from medhome.smart.principal import FhirPrincipal

ParamKind = Literal["token", "reference", "date", "string", "uri", "number", "quantity"]


@dataclass(frozen=True)
class SearchParam:
    name: str  # as in the URL: "patient", "category", "date", "_id"
    kind: ParamKind
    # Narrow the queryset by the parameter's values (comma = OR within one occurrence; repeated
    # occurrences = AND). `modifier` is the part after ":" (e.g. "exact", "missing") or "".
    # Raise `fhir.errors.BadRequest` with a clear message for a value it cannot read.
    apply: Callable[[QuerySet[Any], list[str], str], QuerySet[Any]]
    definition: str = ""  # the SearchParameter canonical, for the CapabilityStatement
    documentation: str = ""
    # The modifiers `apply` reads ("exact", "not", a reference's target type...); any other
    # modifier is refused with 400 before any query runs.
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Include:
    """`_include=<Source>:<param>` (or the reverse, for `_revinclude`): the target type and a
    function from the page's rows to the target rows' query (already scoped by the caller)."""

    param: str  # "Observation:patient"
    target: str  # resource type name of the included rows
    related: Callable[[QuerySet[Any], Sequence[Model]], QuerySet[Any]]


@dataclass(frozen=True)
class Versions:
    """Past versions of a type's rows, where medhome keeps what each version was (readHistory).

    `of(rows, principal, since, offset, limit)`: the versions of `rows` (already scoped and
    prepared), newest first, each the row as that version left it (its `version_field` and
    `updated_field` set); `since` is a `_since` value with its prefix ("ge2026-…") or "".
    """

    of: Callable[[QuerySet[Any], FhirPrincipal, str, int, int], list[Any]]


@dataclass(frozen=True)
class ResourceType:
    name: str  # "Patient"
    model: type[Model]
    # Every row the principal may read of this type (tenancy, role, consent applied).
    rows: Callable[[FhirPrincipal], QuerySet[Any]]
    # The FHIR JSON of one row (plain dict; tests prove it valid with the R4B models).
    to_resource: Callable[[Any, FhirPrincipal], dict[str, Any]]
    # The ORM path from this model to the child it is about ("" for Patient itself, None when
    # the type is not in the patient compartment: Practitioner, Organization, Location, ...).
    patient_path: str | None
    params: dict[str, SearchParam] = field(default_factory=dict)
    includes: dict[str, Include] = field(default_factory=dict)  # by "Type:param"
    revincludes: dict[str, Include] = field(default_factory=dict)
    profiles: tuple[str, ...] = ()  # supported profiles' canonicals
    # Sort keys offered by `_sort` → ORM field (an allow-list; never a user string to order_by).
    sorts: dict[str, str] = field(default_factory=dict)
    default_order: tuple[str, ...] = ("pk",)
    # Rows to read many at once (select_related / prefetch) for `to_resource` without N+1.
    prepare: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    # When the row last changed (meta.lastUpdated, `_lastUpdated`, `_since`); None: unknown.
    updated_field: str | None = "updated_at"
    version_field: str | None = None  # meta.versionId
    # Past versions for vread and history; None: history answers the current version only.
    versions: Versions | None = None
    # Reference data every practice reads alike (Questionnaire: the instruments), not a
    # practice's rows: the tenancy sweep expects it in every practice's answers.
    shared_reference: bool = False
    # The rows of these ids as a condition an index answers, for a type whose id the database
    # computes (a view's derived id cannot be looked up by itself); None: `pk__in`.
    by_ids: Callable[[list[uuid.UUID]], Q] | None = None

    def with_ids(self, ids: list[uuid.UUID]) -> Q:
        return self.by_ids(ids) if self.by_ids is not None else Q(pk__in=ids)


REGISTRY: dict[str, ResourceType] = {}


def register(resource_type: ResourceType) -> ResourceType:
    REGISTRY[resource_type.name] = resource_type
    return resource_type


def get(name: str) -> ResourceType | None:
    return REGISTRY.get(name)
