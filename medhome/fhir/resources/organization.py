"""Organization and Location: the practice itself and its sites.

Organization serves the practice of the token (one row). Directory organizations (the
community partners a referral names) are not served here yet: a reference to one resolves
through the exchange's resources (docs: not done).
Spec: https://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-organization.html
"""

from typing import Any

from medhome.practices.models import Practice, Site
from medhome.smart.principal import FhirPrincipal

from ..params import SEARCH_BASE, reference_ids, string_param
from ..registry import ResourceType, SearchParam, register

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"


def practice_rows(principal: FhirPrincipal) -> Any:
    practice_id = principal.actor.practice_id
    return Practice.objects.filter(pk=practice_id) if practice_id else Practice.objects.none()


def site_rows(principal: FhirPrincipal) -> Any:
    practice_id = principal.actor.practice_id
    return Site.objects.filter(practice_id=practice_id) if practice_id else Site.objects.none()


def organization(practice: Practice, principal: FhirPrincipal) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "prov",
                        "display": "Healthcare Provider",
                    }
                ]
            }
        ],
        "name": practice.name,
    }
    if practice.phone:
        resource["telecom"] = [{"system": "phone", "value": practice.phone, "use": "work"}]
    if practice.state:
        resource["address"] = [{"state": practice.state, "country": "US"}]
    return resource


def location(site: Site, principal: FhirPrincipal) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "status": "active",
        "name": site.name,
        "managingOrganization": {"reference": f"Organization/{site.practice_id}"},
    }
    address: dict[str, Any] = {}
    if site.address:
        address["text"] = site.address
    if site.zip_code:
        address["postalCode"] = site.zip_code
    if address:
        resource["address"] = address
    return resource


def _organization(qs: Any, values: list[str], modifier: str) -> Any:
    return qs.filter(practice_id__in=reference_ids("organization", values, "Organization"))


ORGANIZATION = register(
    ResourceType(
        name="Organization",
        model=Practice,
        rows=practice_rows,
        to_resource=organization,
        patient_path=None,
        params={"name": string_param("name", "name", definition=SEARCH_BASE + "Organization-name")},
        profiles=(US_CORE + "us-core-organization",),
        sorts={"name": "name"},
        updated_field=None,
    )
)

LOCATION = register(
    ResourceType(
        name="Location",
        model=Site,
        rows=site_rows,
        to_resource=location,
        patient_path=None,
        params={
            "name": string_param("name", "name", definition=SEARCH_BASE + "Location-name"),
            "address-postalcode": string_param(
                "address-postalcode",
                "zip_code",
                definition=SEARCH_BASE + "Location-address-postalcode",
            ),
            "organization": SearchParam(
                "organization",
                "reference",
                _organization,
                definition=SEARCH_BASE + "Location-organization",
                modifiers=("Organization",),
            ),
        },
        profiles=(US_CORE + "us-core-location",),
        sorts={"name": "name"},
        updated_field=None,
    )
)
