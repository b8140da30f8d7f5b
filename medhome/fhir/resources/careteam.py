"""CareTeam (US Core 7 CareTeam): the child's care team (careplan.CareTeamMember) — practice
staff, outside members (specialists, home visitors, partner organizations' people) and
caregivers — served as one CareTeam per child, its id the child's (CarePlan.careTeam names it).

Participant roles are medhome's own code system (`urn:medhome:care-team-role`, the member's
kind and outside role of careplan.models.MemberKind / ExternalRole, with their display), the
team's own words for the role (`role_label`) as the text. An outside member's phone and e-mail
(no resource of theirs is served) go in a contained Practitioner the participant refers to;
staff and caregivers' contacts are their own resources' (Practitioner, RelatedPerson)."""

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from medhome.careplan.fhir_codes import LEAD, ROLE_SYSTEM
from medhome.careplan.models import CareTeamMember, ExternalRole, MemberKind
from medhome.families.models import Child
from medhome.smart.principal import FhirPrincipal

from ..care import (
    constant_param,
    membership_of,
    meta,
    patient_ref,
    practice_rows,
    practitioner_ref,
    ref,
)
from ..params import reference_param
from ..registry import ResourceType, register
from .practitioner import practitioner_id

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-careteam"
SP = "http://hl7.org/fhir/SearchParameter/"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter/"
STATUS_SYSTEM = "http://hl7.org/fhir/care-team-status"


def rows(principal: FhirPrincipal) -> QuerySet[Child]:
    """The practice's children who have a care team (one active member or more)."""
    active = CareTeamMember.objects.filter(child=OuterRef("pk"), is_active=True)
    return (
        practice_rows(principal, Child)
        .filter(Exists(active))
        .annotate(team_updated_at=Subquery(active.order_by("-updated_at").values("updated_at")[:1]))
    )


def member_rows() -> QuerySet[CareTeamMember]:
    """Members as `member_ref` reads them (CarePlan's action owners too): no query per member."""
    return CareTeamMember.objects.select_related("user", "caregiver").annotate(
        fhir_practitioner=practitioner_id("user")
    )


def prepare(qs: QuerySet[Child]) -> QuerySet[Child]:
    members = member_rows().filter(is_active=True)
    members = members.order_by("-is_lead_coordinator", "kind", "created_at", "pk")
    return qs.prefetch_related(Prefetch("care_team", queryset=members, to_attr="fhir_team"))


def role(member: CareTeamMember) -> dict[str, Any]:
    kind = MemberKind(member.kind)
    codings = [{"system": ROLE_SYSTEM, "code": kind.value, "display": str(kind.label)}]
    if member.external_role:
        outside = ExternalRole(member.external_role)
        codings.append(
            {"system": ROLE_SYSTEM, "code": outside.value, "display": str(outside.label)}
        )
    if member.is_lead_coordinator:
        codings.append({"system": ROLE_SYSTEM, "code": LEAD[0], "display": LEAD[1]})
    found: dict[str, Any] = {"coding": codings}
    if member.role_label:
        found["text"] = member.role_label
    return found


def member_ref(member: CareTeamMember) -> dict[str, Any]:
    if member.kind == MemberKind.STAFF and member.user is not None:
        return practitioner_ref(member.user, membership_of(member, "user"))
    if member.kind == MemberKind.CAREGIVER and member.caregiver is not None:
        return ref("RelatedPerson", member.caregiver_id, str(member.caregiver))
    # An outside member: their name and organization (no resource of theirs is served).
    where = f" ({member.organization})" if member.organization else ""
    return {"display": f"{member.name}{where}" or "Outside member"}


def contact(member: CareTeamMember) -> dict[str, Any] | None:
    """An outside member's phone and e-mail as a contained Practitioner (careplan.imported reads
    it back), or None when there is none to carry."""
    if member.kind != MemberKind.EXTERNAL or not (member.phone or member.email):
        return None
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", member.phone), ("email", member.email))
        if value
    ]
    found: dict[str, Any] = {"resourceType": "Practitioner", "id": str(member.pk)}
    if member.name:  # FHIR has no empty strings; a row written outside the services may lack it
        found["name"] = [{"text": member.name}]
    return {**found, "telecom": telecom}


def participant(member: CareTeamMember, contained: list[dict[str, Any]]) -> dict[str, Any]:
    reference = member_ref(member)
    found = contact(member)
    if found is not None:
        contained.append(found)
        reference = {"reference": f"#{found['id']}", **reference}
    return {
        "role": [role(member)],
        "member": reference,
        "period": {"start": member.created_at.date().isoformat()},
    }


def _members(child: Child) -> list[CareTeamMember]:
    found = getattr(child, "fhir_team", None)
    if found is not None:
        return list(found)
    return list(prepare(Child.objects.filter(pk=child.pk))[0].fhir_team)  # type: ignore[attr-defined]


def to_resource(child: Child, principal: FhirPrincipal) -> dict[str, Any]:
    contained: list[dict[str, Any]] = []
    participants = [participant(member, contained) for member in _members(child)]
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": str(child.pk),
        "meta": meta(getattr(child, "team_updated_at", None), PROFILE),
        "status": "active",
        "name": "Care team",
        "subject": patient_ref(child.pk),
        "participant": participants,
    }
    if contained:
        resource["contained"] = contained
    return resource


CARETEAM = register(
    ResourceType(
        name="CareTeam",
        model=Child,
        rows=rows,
        to_resource=to_resource,
        patient_path="",
        params={
            "patient": reference_param(
                "patient", "pk", "Patient", definition=f"{SP}clinical-patient"
            ),
            "status": constant_param(
                "status",
                STATUS_SYSTEM,
                frozenset({"active"}),
                definition=f"{US_CORE_SP}us-core-careteam-status",
            ),
        },
        profiles=(PROFILE,),
        default_order=("pk",),
        prepare=prepare,
        updated_field="team_updated_at",
    )
)
