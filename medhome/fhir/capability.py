"""The CapabilityStatement, written from the registry: what is declared is what is served."""

from typing import Any

from django.conf import settings

from .registry import REGISTRY, ResourceType
from .search import sorts_of

SMART_OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
HISTORY_NOTE = (
    "ServiceRequest and Task keep every version (each change of the referral's state); other "
    "types keep no past versions: their history answers the current version only, with "
    'meta.versionId from the row\'s version counter (or "1") and meta.lastUpdated.'
)
PATIENT_SCOPE_NOTE = (
    "A patient/ scope reaches the launch child's compartment only; types outside the patient "
    "compartment (Practitioner, PractitionerRole, Organization, Location) are readable within "
    "the practice by any token holding the type's scope."
)


def capability_statement(base: str, oauth: dict[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-05",
        "kind": "instance",
        "software": {"name": "medhome"},
        "implementation": {"description": "medhome FHIR R4 API", "url": base.rstrip("/")},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "instantiates": ["http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server"],
        "rest": [
            {
                "mode": "server",
                "documentation": f"{HISTORY_NOTE} {PATIENT_SCOPE_NOTE} _count above "
                f"{settings.MEDHOME_FHIR['max_count']} is capped. Chained parameters, _has, "
                "_filter, _query, _contained and _include:iterate are refused with 400. "
                "_summary (true, text, data, count, false) and _elements choose top-level "
                "elements on a read and a search; a subsetted resource is tagged SUBSETTED.",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": SMART_OAUTH_URIS,
                            "extension": [
                                {"url": name, "valueUri": uri} for name, uri in oauth.items()
                            ],
                        }
                    ],
                },
                "resource": [_resource(REGISTRY[name]) for name in sorted(REGISTRY)],
            }
        ],
    }


def _resource(resource_type: ResourceType) -> dict[str, Any]:
    found: dict[str, Any] = {
        "type": resource_type.name,
        "interaction": [
            {"code": code}
            for code in (("read", "vread", "search-type", "history-instance", "history-type"))
        ],
        "versioning": "versioned" if resource_type.version_field else "no-version",
        "readHistory": resource_type.versions is not None,
        "searchParam": [
            {
                "name": "_id",
                "type": "token",
                "definition": "http://hl7.org/fhir/SearchParameter/Resource-id",
            },
            *(
                [
                    {
                        "name": "_lastUpdated",
                        "type": "date",
                        "definition": "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated",
                    }
                ]
                if resource_type.updated_field
                else []
            ),
            *(
                _param(p.name, p.kind, p.definition, p.documentation, p.modifiers)
                for p in resource_type.params.values()
            ),
        ],
    }
    if resource_type.profiles:
        found["supportedProfile"] = list(resource_type.profiles)
    if resource_type.includes:
        found["searchInclude"] = list(resource_type.includes)
    if resource_type.revincludes:
        found["searchRevInclude"] = list(resource_type.revincludes)
    sorts = ", ".join(sorted(sorts_of(resource_type)))
    found["documentation"] = f"_sort: {sorts}."
    return found


def _param(
    name: str, kind: str, definition: str, documentation: str, modifiers: tuple[str, ...]
) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "type": kind}
    if definition:
        param["definition"] = definition
    notes = documentation
    if modifiers:
        notes = f"{notes} Modifiers: {', '.join(':' + m for m in modifiers)}.".strip()
    if notes:
        param["documentation"] = notes
    return param
