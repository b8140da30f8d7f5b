"""Practitioner and PractitionerRole: the practice's staff.

One membership (a user's role in THIS practice) is one Practitioner and one PractitionerRole,
both with the membership's id: a staff member working in two practices is two unrelated
Practitioners, so nothing links practices. Every membership is served (not only clinical roles)
so that every author or participant another resource names resolves; `active` is false for an
ended membership. Names and credentials only: no staff e-mail, phone or username (medhome
stores no NPI yet).
Spec: https://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-practitioner.html
"""

from typing import Any

from django.db.models import OuterRef, Subquery

from medhome.accounts.roles import Role
from medhome.practices.models import Membership
from medhome.smart.principal import FhirPrincipal

from ..params import SEARCH_BASE, US_CORE_SP, reference_ids, related_by, string_param, token_param
from ..registry import Include, ResourceType, SearchParam, register

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
ROLE_SYSTEM = "urn:medhome:role"


def practitioner_id(user_field: str, practice_field: str = "practice") -> Any:
    """The Practitioner id of the user in `user_field` of the outer row, within the outer row's
    practice (an annotation for a resource's `prepare`: no query per row). Other resource modules
    use it for their performer/author/participant references."""
    return Subquery(
        Membership.objects.filter(
            user_id=OuterRef(f"{user_field}_id"), practice_id=OuterRef(f"{practice_field}_id")
        ).values("pk")[:1]
    )


def membership_rows(principal: FhirPrincipal) -> Any:
    """The practice's memberships (any actor of the practice; none for a partner's client)."""
    return Membership.objects.for_practice(principal.actor.practice)


def prepare(rows: Any) -> Any:
    return rows.select_related("user")


def _name(membership: Membership) -> list[dict[str, Any]]:
    user = membership.user
    name: dict[str, Any] = {
        "use": "official",
        "text": str(user.display_name or user.get_full_name() or "Staff member"),
    }
    if user.last_name:
        name["family"] = user.last_name
    if user.first_name:
        name["given"] = [user.first_name]
    if user.credentials:
        name["suffix"] = [user.credentials]
    return [name]


def _active(membership: Membership) -> bool:
    return bool(membership.is_active and membership.user.is_active)


def practitioner(membership: Membership, principal: FhirPrincipal) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "identifier": [{"system": "urn:medhome:practitioner", "value": str(membership.pk)}],
        "active": _active(membership),
        "name": _name(membership),
    }


def practitioner_role(membership: Membership, principal: FhirPrincipal) -> dict[str, Any]:
    return {
        "resourceType": "PractitionerRole",
        "active": _active(membership),
        "practitioner": {"reference": f"Practitioner/{membership.pk}"},
        "organization": {"reference": f"Organization/{membership.practice_id}"},
        "code": [
            {
                "coding": [
                    {
                        "system": ROLE_SYSTEM,
                        "code": membership.role,
                        "display": str(Role(membership.role).label),
                    }
                ]
            }
        ],
    }


def _ids(name: str, target: str) -> Any:
    def apply(qs: Any, values: list[str], modifier: str) -> Any:
        ids = reference_ids(name, values, target)
        return qs.filter(pk__in=ids) if target == "Practitioner" else qs.filter(practice_id__in=ids)

    return apply


NAME = string_param(
    "name",
    "user__first_name",
    "user__last_name",
    "user__display_name",
    definition=SEARCH_BASE + "Practitioner-name",
)
ROLE = token_param(
    "role",
    "role",
    system=ROLE_SYSTEM,
    definition=SEARCH_BASE + "PractitionerRole-role",
    documentation=f"medhome's roles ({ROLE_SYSTEM}).",
)

PRACTITIONER = register(
    ResourceType(
        name="Practitioner",
        model=Membership,
        rows=membership_rows,
        to_resource=practitioner,
        patient_path=None,
        params={
            "name": NAME,
            "family": string_param(
                "family", "user__last_name", definition=SEARCH_BASE + "individual-family"
            ),
            "given": string_param(
                "given", "user__first_name", definition=SEARCH_BASE + "individual-given"
            ),
        },
        profiles=(US_CORE + "us-core-practitioner",),
        sorts={"family": "user__last_name", "given": "user__first_name"},
        prepare=prepare,
        updated_field=None,
    )
)

PRACTITIONER_ROLE = register(
    ResourceType(
        name="PractitionerRole",
        model=Membership,
        rows=membership_rows,
        to_resource=practitioner_role,
        patient_path=None,
        params={
            "practitioner": SearchParam(
                "practitioner",
                "reference",
                _ids("practitioner", "Practitioner"),
                definition=US_CORE_SP + "us-core-practitionerrole-practitioner",
                modifiers=("Practitioner",),
            ),
            "organization": SearchParam(
                "organization",
                "reference",
                _ids("organization", "Organization"),
                definition=SEARCH_BASE + "PractitionerRole-organization",
                modifiers=("Organization",),
            ),
            "role": ROLE,
        },
        includes={
            "PractitionerRole:practitioner": Include(
                "PractitionerRole:practitioner",
                "Practitioner",
                related_by("pk", "pk"),
            ),
            "PractitionerRole:organization": Include(
                "PractitionerRole:organization",
                "Organization",
                related_by("pk", "practice_id"),
            ),
        },
        profiles=(US_CORE + "us-core-practitionerrole",),
        sorts={"role": "role"},
        prepare=prepare,
        updated_field=None,
    )
)
