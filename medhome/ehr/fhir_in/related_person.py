"""FHIR RelatedPerson → CaregiverData for `ehr.caregivers.upsert_caregiver`, with the
relationship read from HL7 v3 RoleCode (http://terminology.hl7.org/CodeSystem/v3-RoleCode) or
v2 table 0063."""

from typing import Any

from django.utils.translation import gettext as _

from medhome.ehr.caregivers import CaregiverData

from .common import (
    RELATED_PERSON_ID_SYSTEM,
    Refused,
    codings,
    concept_text,
    identifiers,
    patient_id,
)

RELATIONSHIPS = {
    "MTH": "mother",
    "NMTH": "mother",  # natural mother
    "ADOPTMTH": "mother",
    "FTH": "father",
    "NFTH": "father",
    "ADOPTFTH": "father",
    "PRN": "parent",
    "NPRN": "parent",
    "ADOPTP": "parent",
    "STPPRN": "parent",
    "STPMTH": "parent",
    "STPFTH": "parent",
    "PAR": "parent",  # v2 0063
    "GRMTH": "grandmother",
    "MGRMTH": "grandmother",
    "PGRMTH": "grandmother",
    "GRFTH": "grandfather",
    "MGRFTH": "grandfather",
    "PGRFTH": "grandfather",
    "GRPRN": "other",
    "AUNT": "aunt_uncle",
    "MAUNT": "aunt_uncle",
    "PAUNT": "aunt_uncle",
    "UNCLE": "aunt_uncle",
    "MUNCLE": "aunt_uncle",
    "PUNCLE": "aunt_uncle",
    "GUARD": "guardian",
    "GRD": "guardian",  # v2 0063
    "FSTPRN": "foster_parent",  # v3 RoleCode foster parent
}
# medhome's extension on a RelatedPerson: another child of the same household this person cares
# for (Patient reference; one per sibling). FHIR relates a RelatedPerson to one patient, so
# without it siblings exported by medhome would come back as separate households.
ALSO_CAREGIVER_OF = "http://medhome.org/fhir/StructureDefinition/relatedperson-also-caregiver-of"
# The one who gave birth (CMS82 counts her screen): only when the EHR says "natural mother".
BIRTH_PARENT_CODES = frozenset({"NMTH"})


def also_caregiver_of(resource: dict[str, Any]) -> list[str]:
    """The sender's ids of the household's other children (ALSO_CAREGIVER_OF)."""
    found = []
    for extension in resource.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == ALSO_CAREGIVER_OF:
            found.append(patient_id(extension.get("valueReference")))
    return [pid for pid in found if pid]


def caregiver_data(resource: dict[str, Any]) -> CaregiverData:
    found = [(RELATED_PERSON_ID_SYSTEM, str(resource["id"])[:100])] if resource.get("id") else []
    found += identifiers(resource)
    if not found:
        raise Refused("no_identifier", _("The related person has no identifier to match on."))
    codes = [c for concept in resource.get("relationship") or [] for _s, c, _d in codings(concept)]
    relationship = next((RELATIONSHIPS[c] for c in codes if c in RELATIONSHIPS), "")
    if not relationship:
        words = " ".join(concept_text(c) for c in resource.get("relationship") or []).lower()
        relationship = "foster_parent" if "foster" in words else "other"
    names = resource.get("name") or [{}]
    name = next((n for n in names if n.get("use") == "official"), names[0])
    if not name.get("family") or not name.get("given"):
        raise Refused("no_name", _("The related person has no name."))
    telecom = resource.get("telecom") or []
    phone = next((t.get("value") for t in telecom if t.get("system") == "phone"), "")
    email = next((t.get("value") for t in telecom if t.get("system") == "email"), "")
    spoken = resource.get("communication") or []
    language = next((c for item in spoken for _s, c, _d in codings(item.get("language")) if c), "")
    return CaregiverData(
        identifiers=tuple(found),
        given_name=" ".join(name.get("given") or [])[:100],
        family_name=str(name.get("family"))[:100],
        relationship=relationship,
        phone=str(phone or "")[:30],
        email=str(email or "")[:254],
        preferred_language=language.split("-")[0].lower()[:35],
        is_birth_parent=bool(BIRTH_PARENT_CODES.intersection(codes)),
    )
