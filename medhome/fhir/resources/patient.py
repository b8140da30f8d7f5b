"""Patient (US Core Patient 7.0.0): a child of the practice.

Written as `ehr.fhir_in.patient` reads a Patient, so an exported Patient re-imports to the same
child (the bulk round trip): the MRN with identifier type v2-0203 MR and medhome's MRN system
(`families.models.MRN_SYSTEM`), every other identifier the practice holds for the child, the
official name, the US Core birth sex, race and ethnicity extensions (CDC Race & Ethnicity codes,
urn:oid:2.16.840.1.113883.6.238, from `families.vocabulary.OMB_1997_CODES`), the home address
and the preferred language (BCP 47).
Spec: https://hl7.org/fhir/us/core/STU7/StructureDefinition-us-core-patient.html
The 2024 race and ethnicity categories also go out in medhome's own extension, so they come
back exactly; another system's Patient is read from its US Core extensions
(docs/clinical-rules.md#people-and-demographics).
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from medhome.accounts.roles import Capability
from medhome.ehr.fhir_in.patient import (
    ASKED_NO_ANSWER,
    MENA_DETAILED,
    MRN_TYPE,
    NULL_FLAVOR,
    RACE_ETHNICITY_2024,
    US_CORE,
)
from medhome.families.models import MRN_SYSTEM, Child, ChildIdentifier
from medhome.families.vocabulary import OMB_1997_CODES, RaceEthnicity
from medhome.practices.scoping import scoped
from medhome.smart.principal import FhirPrincipal

from ..inline import decoded, inline_rows
from ..params import (
    SEARCH_BASE,
    US_CORE_SP,
    any_of,
    date_param,
    name_key_param,
    parse_token,
    reference_ids,
    related_by,
    token_param,
)
from ..registry import Include, ResourceType, SearchParam, register
from .practitioner import practitioner_id

CDC_RACE = "urn:oid:2.16.840.1.113883.6.238"
BCP_47 = "urn:ietf:bcp:47"
PROFILE = US_CORE + "us-core-patient"
# Displays of the CDC Race & Ethnicity code system (the codes OMB_1997_CODES uses).
CDC_DISPLAY = {
    "1002-5": "American Indian or Alaska Native",
    "2028-9": "Asian",
    "2054-5": "Black or African American",
    "2076-8": "Native Hawaiian or Other Pacific Islander",
    "2106-3": "White",
    "2135-2": "Hispanic or Latino",
}
MENA_DISPLAY = "Middle Eastern or North African"
BIRTH_SEX = {"female": "F", "male": "M", "unknown": "UNK"}


def patient_rows(principal: FhirPrincipal) -> QuerySet[Any]:
    """The children the actor may open (the chart's capability, the practice's tenancy). A
    partner's client reads no Patient here: what it may see of a child comes through the
    referral's consent (the exchange's resources)."""
    return scoped(principal.actor, Child, need=Capability.CHART_READ)


def prepare(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.annotate(
        general_practitioner_id=practitioner_id("primary_clinician", "practice"),
        # In the row's own query, oldest first (`fhir.inline`): a prefetch was a second round trip.
        identifier_rows=inline_rows(
            ChildIdentifier.objects.filter(retired=False),
            "child",
            ("created_at", "id", "system", "value"),
        ),
    )


def to_resource(child: Child, principal: FhirPrincipal) -> dict[str, Any]:
    identifiers = [
        {
            "use": "usual",
            "type": {"coding": [{"system": MRN_TYPE[0], "code": MRN_TYPE[1]}], "text": "MRN"},
            "system": MRN_SYSTEM,
            "value": child.mrn,
        }
    ]
    identifiers += [
        {"system": system, "value": value}
        # `prepare` annotates them; a row read without it fails here rather than lose them.
        for _, _, system, value in decoded(vars(child)["identifier_rows"])
        if (system, value) != (MRN_SYSTEM, child.mrn)
    ]
    names: list[dict[str, Any]] = [
        {"use": "official", "family": child.legal_family_name, "given": [child.legal_given_name]}
    ]
    if child.preferred_name and child.preferred_name != child.legal_given_name:
        names.append({"use": "usual", "given": [child.preferred_name]})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "extension": _extensions(child),
        "identifier": identifiers,
        "name": names,
        "gender": child.sex_at_birth,
        "birthDate": child.date_of_birth.isoformat(),
    }
    line = [part for part in (child.address_line1, child.address_line2) if part]
    address = {
        "use": "home",
        **({"line": line} if line else {}),
        **({"city": child.city} if child.city else {}),
        **({"state": child.state} if child.state else {}),
        **({"postalCode": child.zip_code} if child.zip_code else {}),
    }
    if len(address) > 1:
        resource["address"] = [address]
    if child.preferred_language:
        resource["communication"] = [
            {
                "language": {"coding": [{"system": BCP_47, "code": child.preferred_language}]},
                "preferred": True,
            }
        ]
    gp = getattr(child, "general_practitioner_id", None)
    if gp:
        resource["generalPractitioner"] = [{"reference": f"Practitioner/{gp}"}]
    resource["managingOrganization"] = {"reference": f"Organization/{child.practice_id}"}
    return resource


def _extensions(child: Child) -> list[dict[str, Any]]:
    """Birth sex; race and ethnicity in the 1997 codes US Core binds (MENA as White with its
    detailed code, "declined" as asked-but-no-answer) and medhome's 2024 categories beside them,
    so the bulk round trip brings the categories back exactly (ehr.fhir_in.patient._race)."""
    found = [{"url": US_CORE + "us-core-birthsex", "valueCode": BIRTH_SEX[child.sex_at_birth]}]
    chosen = [c for c in child.race_ethnicity or [] if c in RaceEthnicity.values]
    categories = [c for c in chosen if c in OMB_1997_CODES]
    races = [
        _cdc(code) for code in dict.fromkeys(r for c in categories for r in OMB_1997_CODES[c][0])
    ]
    ethnicities = [
        _cdc(code)
        for code in dict.fromkeys(OMB_1997_CODES[c][1] for c in categories if OMB_1997_CODES[c][1])
        if code
    ]
    detailed = []
    if RaceEthnicity.MIDDLE_EASTERN_NORTH_AFRICAN in categories:
        detailed.append({"system": CDC_RACE, "code": MENA_DETAILED, "display": MENA_DISPLAY})
    if chosen == [RaceEthnicity.DECLINED]:
        races = ethnicities = [
            {"system": NULL_FLAVOR, "code": ASKED_NO_ANSWER, "display": "asked but no answer"}
        ]
    labels = [str(RaceEthnicity(c).label) for c in chosen]
    if races:
        found.append(_omb("us-core-race", races, labels, detailed))
    if ethnicities:
        found.append(_omb("us-core-ethnicity", ethnicities, labels, []))
    found += [{"url": RACE_ETHNICITY_2024, "valueCode": c} for c in chosen]
    return found


def _cdc(code: str) -> dict[str, str]:
    return {"system": CDC_RACE, "code": code, "display": CDC_DISPLAY[code]}


def _omb(
    name: str, codes: list[dict[str, str]], labels: list[str], detailed: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "url": US_CORE + name,
        "extension": [
            *({"url": "ombCategory", "valueCoding": coding} for coding in codes),
            *({"url": "detailed", "valueCoding": coding} for coding in detailed),
            {"url": "text", "valueString": ", ".join(labels)},
        ],
    }


def _identifier(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    conditions = []
    for value in values:
        system, code = parse_token(value)
        if not code:
            continue
        held = ChildIdentifier.objects.filter(child=OuterRef("pk"), retired=False, value=code)
        if system is None:
            conditions.append(Q(mrn=code) | Q(Exists(held)))
        else:
            mrn = Q(mrn=code) if system == MRN_SYSTEM else Q(pk__in=[])
            conditions.append(mrn | Q(Exists(held.filter(system=system))))
    return qs.filter(any_of(conditions))


def _general_practitioner(qs: QuerySet[Any], values: list[str], modifier: str) -> QuerySet[Any]:
    ids = reference_ids("general-practitioner", values, "Practitioner")
    # The clinician's membership of THIS practice: another practice's Practitioner id never
    # matches (a Practitioner's id is its membership's).
    same = Child.objects.filter(
        pk=OuterRef("pk"),
        primary_clinician__memberships__id__in=ids,
        primary_clinician__memberships__practice_id=OuterRef("practice_id"),
    )
    return qs.filter(Exists(same))


def _include_gp(target: QuerySet[Any], page: Any) -> QuerySet[Any]:
    users = {child.primary_clinician_id for child in page} - {None}
    return target.filter(user_id__in=users)


PATIENT = register(
    ResourceType(
        name="Patient",
        model=Child,
        rows=patient_rows,
        to_resource=to_resource,
        patient_path="",
        params={
            p.name: p
            for p in (
                SearchParam(
                    "identifier",
                    "token",
                    _identifier,
                    definition=US_CORE_SP + "us-core-patient-identifier",
                    documentation=f"The MRN (system {MRN_SYSTEM}) or any identifier held.",
                ),
                name_key_param(
                    "name",
                    (
                        "given_name_key",
                        "family_name_key",
                        "second_family_name_key",
                        "preferred_name_key",
                    ),
                    ("legal_given_name", "legal_family_name", "preferred_name"),
                    definition=US_CORE_SP + "us-core-patient-name",
                ),
                name_key_param(
                    "family",
                    ("family_name_key", "second_family_name_key"),
                    ("legal_family_name",),
                    definition=US_CORE_SP + "us-core-patient-family",
                ),
                name_key_param(
                    "given",
                    ("given_name_key", "preferred_name_key"),
                    ("legal_given_name",),
                    definition=US_CORE_SP + "us-core-patient-given",
                ),
                date_param(
                    "birthdate",
                    "date_of_birth",
                    is_date=True,
                    definition=US_CORE_SP + "us-core-patient-birthdate",
                ),
                token_param(
                    "gender",
                    "sex_at_birth",
                    system="http://hl7.org/fhir/administrative-gender",
                    codes={"female": "female", "male": "male", "unknown": "unknown"},
                    definition=US_CORE_SP + "us-core-patient-gender",
                ),
                SearchParam(
                    "general-practitioner",
                    "reference",
                    _general_practitioner,
                    definition=SEARCH_BASE + "Patient-general-practitioner",
                    modifiers=("Practitioner",),
                ),
            )
        },
        includes={
            "Patient:general-practitioner": Include(
                "Patient:general-practitioner", "Practitioner", _include_gp
            ),
            "Patient:organization": Include(
                "Patient:organization",
                "Organization",
                related_by("pk", "practice_id"),
            ),
        },
        revincludes={},
        profiles=(PROFILE,),
        sorts={
            "birthdate": "date_of_birth",
            "family": "family_name_key",
            "given": "given_name_key",
        },
        default_order=("pk",),
        prepare=prepare,
        updated_field="updated_at",
        version_field="version",
    )
)
