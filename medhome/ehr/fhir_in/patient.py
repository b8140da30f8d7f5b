"""FHIR Patient → PatientData for `ehr.patients.upsert_patient` (the one way a patient becomes a
child). The sender's id is kept as an identifier (PATIENT_ID_SYSTEM) so references find it."""

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from medhome.ehr.patients import PatientData
from medhome.families.vocabulary import RaceEthnicity

from .common import PATIENT_ID_SYSTEM, Refused, codings, identifiers, require_code

GENDERS = frozenset({"male", "female", "other", "unknown"})
MRN_TYPE = ("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")
MRN = re.compile(r"^[A-Za-z0-9-]{1,30}$")
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
# US Core birth sex (F, M, UNK) wins over the administrative gender when sent.
BIRTH_SEX = {"F": "female", "M": "male", "UNK": "unknown"}
# CDC race and ethnicity codes (urn:oid:2.16.840.1.113883.6.238) back to the 2024 categories
# (docs/clinical-rules.md#people-and-demographics; the reverse of families.vocabulary).
RACE_CODES = {
    "1002-5": "aian",
    "2028-9": "asian",
    "2054-5": "black",
    "2076-8": "nhpi",
    "2106-3": "white",
    "2135-2": "hispanic",
}
# The detailed CDC race code "Middle Eastern or North African" (under White in the 1997 codes;
# its own category in the 2024 revision) and the US Core race and ethnicity value sets' "asked
# but no answer" (v3-NullFlavor ASKU): a family that preferred not to answer.
MENA_DETAILED = "2118-8"
NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"
ASKED_NO_ANSWER = "ASKU"
# medhome's own 2024 categories beside the US Core extensions (repeated, one valueCode each), so a
# Patient medhome exported comes back exactly: "White" and "Middle Eastern or North African"
# share a 1997 code.
RACE_ETHNICITY_2024 = "urn:medhome:fhir:extension:race-ethnicity-2024"


def patient_data(resource: dict[str, Any]) -> PatientData:
    gender = require_code(resource.get("gender"), GENDERS, "gender")
    born = resource.get("birthDate")
    if not born or len(str(born)) != 10:
        raise Refused("no_birth_date", _("The patient has no full date of birth."))
    try:
        date_of_birth = date.fromisoformat(str(born))
    except ValueError:
        raise Refused("invalid_date", _("A date is not a valid date.")) from None
    known = [(PATIENT_ID_SYSTEM, str(resource.get("id") or "")[:100])] if resource.get("id") else []
    known += identifiers(resource)
    mrn = _mrn(resource)
    if not mrn:
        raise Refused("no_mrn", _("The patient has no medical record number medhome can use."))
    name = _name(resource)
    address = _address(resource)
    return PatientData(
        identifiers=tuple(known),
        mrn=mrn,
        legal_given_name=" ".join(name.get("given") or [])[:100],
        legal_family_name=str(name.get("family") or "")[:100],
        date_of_birth=date_of_birth,
        sex_at_birth=_sex(resource, gender),
        preferred_language=_language(resource),
        address_line1=str((address.get("line") or [""])[0])[:200],
        address_line2=" ".join((address.get("line") or [])[1:])[:200],
        city=str(address.get("city") or "")[:100],
        state=_state(address.get("state")),
        zip_code=str(address.get("postalCode") or "")[:10],
        race_ethnicity=_race(resource),
    )


def _mrn(resource: dict[str, Any]) -> str:
    found = [i for i in resource.get("identifier") or [] if i.get("value")]
    for identifier in found:
        if MRN_TYPE in {(s, c) for s, c, _d in codings(identifier.get("type"))}:
            value = str(identifier["value"])
            return value if MRN.match(value) else ""
    for identifier in found:
        if MRN.match(str(identifier["value"])):
            return str(identifier["value"])
    return ""


def _name(resource: dict[str, Any]) -> dict[str, Any]:
    names = resource.get("name") or [{}]
    return next((n for n in names if n.get("use") == "official"), names[0])


def _address(resource: dict[str, Any]) -> dict[str, Any]:
    addresses = resource.get("address") or [{}]
    return next((a for a in addresses if a.get("use") == "home"), addresses[0])


def _state(value: object) -> str:
    text = str(value or "").strip().upper()
    return text if re.fullmatch(r"[A-Z]{2}", text) else ""


def _sex(resource: dict[str, Any], gender: str) -> str:
    for extension in resource.get("extension") or []:
        if extension.get("url") == US_CORE + "us-core-birthsex":
            return BIRTH_SEX.get(str(extension.get("valueCode")), "unknown")
    return gender if gender in ("male", "female") else "unknown"


def _language(resource: dict[str, Any]) -> str:
    spoken = resource.get("communication") or []
    chosen = next((c for c in spoken if c.get("preferred")), spoken[0] if spoken else {})
    code = next((c for _s, c, _d in codings(chosen.get("language")) if c), "")
    return code.split("-")[0].lower()[:35]


def _race(resource: dict[str, Any]) -> tuple[str, ...]:
    """The 2024 categories (docs/clinical-rules.md#people-and-demographics): medhome's own
    extension when sent, else the US Core extensions' OMB categories, where the detailed
    "Middle Eastern or North African" is that category rather than White and "asked but no
    answer" is "declined"."""
    extensions = resource.get("extension") or []
    own = [
        str(e.get("valueCode"))
        for e in extensions
        if e.get("url") == RACE_ETHNICITY_2024 and str(e.get("valueCode")) in RaceEthnicity
    ]
    if own:
        return tuple(dict.fromkeys(own))
    found: list[str] = []
    mena = False
    for extension in extensions:
        if extension.get("url") not in (US_CORE + "us-core-race", US_CORE + "us-core-ethnicity"):
            continue
        for part in extension.get("extension") or []:
            coding = part.get("valueCoding") or {}
            code = str(coding.get("code"))
            if part.get("url") == "detailed" and code == MENA_DETAILED:
                mena = True
            if part.get("url") != "ombCategory":
                continue
            category = RACE_CODES.get(code)
            if code == ASKED_NO_ANSWER and coding.get("system") == NULL_FLAVOR:
                category = RaceEthnicity.DECLINED
            if category and category not in found:
                found.append(category)
    if mena:
        # SPD 15 (2024) made it its own category: a 1997 "White" that says so is that category.
        found = [c for c in found if c != RaceEthnicity.WHITE]
        found.append(RaceEthnicity.MIDDLE_EASTERN_NORTH_AFRICAN)
    if len(found) > 1 and RaceEthnicity.DECLINED in found:
        found.remove(RaceEthnicity.DECLINED)  # an answer given wins over "no answer"
    return tuple(found)
