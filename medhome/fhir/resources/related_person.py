"""RelatedPerson: a caregiver of the family, as `ehr.fhir_in.related_person` reads one (so an
export re-imports to the same caregiver: the identifiers the practice holds, the v3 RoleCode
relationship, NMTH for the one who gave birth, name, phone, e-mail, language).

One RelatedPerson per caregiver (its id is the caregiver's), `patient` = the launch child when
the token has one in this family, else the family's first child: on re-import the caregiver
joins that child's family, and the household's other children, named in medhome's extension
`relatedperson-also-caregiver-of`, join it too (ehr.caregivers: a sibling's own household
made by the import moves into the caregiver's). `patient=<any child of the family>`
finds it, and a patient/ scope reaches the caregivers of the launch child's family.
Losses on re-import: "aunt or uncle" has no v3 RoleCode of its own (sent as EXT, read back as
"other"). Phones and e-mails are served to the practice's own users and services only (a
partner's client reads no RelatedPerson).
Spec: https://hl7.org/fhir/R4/relatedperson.html
"""

from typing import Any

from django.db.models import Prefetch, QuerySet

from medhome.accounts.roles import Capability
from medhome.ehr.fhir_in.related_person import ALSO_CAREGIVER_OF
from medhome.families.models import Caregiver, CaregiverIdentifier, Child
from medhome.practices.scoping import scoped
from medhome.smart.principal import FhirPrincipal

from ..params import SEARCH_BASE, reference_ids, related_by, string_param, token_param
from ..registry import Include, ResourceType, SearchParam, register
from .patient import BCP_47, PATIENT

ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
# medhome relationship → v3 RoleCode (the reverse of ehr.fhir_in.related_person.RELATIONSHIPS).
RELATIONSHIP_CODES = {
    "mother": ("MTH", "mother"),
    "father": ("FTH", "father"),
    "parent": ("PRN", "parent"),
    "grandmother": ("GRMTH", "grandmother"),
    "grandfather": ("GRFTH", "grandfather"),
    "aunt_uncle": ("EXT", "extended family member"),
    "foster_parent": ("FSTPRN", "foster parent"),
    "guardian": ("GUARD", "guardian"),
}


def caregiver_rows(principal: FhirPrincipal) -> QuerySet[Any]:
    return scoped(principal.actor, Caregiver, need=Capability.CHART_READ)


def prepare(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.prefetch_related(
        Prefetch("identifiers", queryset=CaregiverIdentifier.objects.order_by("created_at", "pk")),
        Prefetch(
            "family__children",
            queryset=Child.objects.only("id", "family_id", "practice_id").order_by(
                "created_at", "pk"
            ),
        ),
    ).select_related("family")


def to_resource(caregiver: Caregiver, principal: FhirPrincipal) -> dict[str, Any]:
    children = [c.pk for c in caregiver.family.children.all()]
    patient = principal.patient_id if principal.patient_id in children else children[0]
    relationship: list[dict[str, Any]] = []
    code = RELATIONSHIP_CODES.get(caregiver.relationship)
    if code is not None:
        first = code[0]
        if caregiver.is_birth_parent and first == "MTH":
            first, code = "NMTH", ("NMTH", "natural mother")
        relationship.append({"coding": [{"system": ROLE_CODE, "code": first, "display": code[1]}]})
    else:
        relationship.append({"text": caregiver.get_relationship_display()})
    if caregiver.is_birth_parent and relationship[0].get("coding", [{}])[0].get("code") != "NMTH":
        # Who gave birth (CMS82), whatever the relationship's word: read back by ehr as such.
        relationship.append(
            {"coding": [{"system": ROLE_CODE, "code": "NMTH", "display": "natural mother"}]}
        )
    telecom = []
    if caregiver.phone:
        telecom.append({"system": "phone", "value": str(caregiver.phone), "use": "mobile"})
    if caregiver.email:
        telecom.append({"system": "email", "value": caregiver.email})
    resource: dict[str, Any] = {
        "resourceType": "RelatedPerson",
        "active": True,
        "patient": {"reference": f"Patient/{patient}"},
        "relationship": relationship,
        "name": [
            {"use": "official", "family": caregiver.family_name, "given": [caregiver.given_name]}
        ],
    }
    siblings = [
        {"url": ALSO_CAREGIVER_OF, "valueReference": {"reference": f"Patient/{child}"}}
        for child in children
        if child != patient
    ]
    if siblings:
        resource["extension"] = siblings
    identifiers = [{"system": i.system, "value": i.value} for i in caregiver.identifiers.all()]
    if identifiers:
        resource["identifier"] = identifiers
    if telecom:
        resource["telecom"] = telecom
    if caregiver.preferred_language:
        resource["communication"] = [
            {
                "language": {"coding": [{"system": BCP_47, "code": caregiver.preferred_language}]},
                "preferred": True,
            }
        ]
    return resource


def _patient(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    ids = reference_ids("patient", values, "Patient")
    return qs.filter(pk__in=Caregiver.objects.filter(family__children__in=ids).values("pk"))


RELATED_PERSON = register(
    ResourceType(
        name="RelatedPerson",
        model=Caregiver,
        rows=caregiver_rows,
        to_resource=to_resource,
        patient_path="family__children",
        params={
            "patient": SearchParam(
                "patient",
                "reference",
                _patient,
                definition=SEARCH_BASE + "RelatedPerson-patient",
                modifiers=("Patient",),
            ),
            "name": string_param(
                "name", "given_name", "family_name", definition=SEARCH_BASE + "RelatedPerson-name"
            ),
            "relationship": token_param(
                "relationship",
                "relationship",
                system=ROLE_CODE,
                codes={code: value for value, (code, _d) in RELATIONSHIP_CODES.items()},
                definition=SEARCH_BASE + "RelatedPerson-relationship",
            ),
        },
        includes={
            "RelatedPerson:patient": Include(
                "RelatedPerson:patient",
                "Patient",
                related_by("family_id", "family_id"),
            )
        },
        sorts={"family": "family_name", "given": "given_name"},
        prepare=prepare,
        updated_field="updated_at",
        version_field="version",
    )
)

# Patient?_revinclude=RelatedPerson:patient: the caregivers of the page's children's families.
PATIENT.revincludes["RelatedPerson:patient"] = Include(
    "RelatedPerson:patient",
    "RelatedPerson",
    related_by("family_id", "family_id"),
)
