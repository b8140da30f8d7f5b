"""What every FHIR resource mapping shares: the refusal, the record's key and hash, R4B
validation, dates, codings and patient references.

A refusal carries a stable code (counted in the run's summary) and a sentence in medhome's
words. Neither ever contains the resource's content: the problem list and the logs may be read by
people who must not see PHI, so a validation error names the field path, never the value."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from medhome.core import clock

# The sender's logical ids are identifiers like any other: a Patient/<id> reference finds the
# child through ChildIdentifier(system=FHIR_ID_SYSTEM + "Patient", value=<id>).
FHIR_ID_SYSTEM = "urn:medhome:fhir-id:"
PATIENT_ID_SYSTEM = FHIR_ID_SYSTEM + "Patient"
RELATED_PERSON_ID_SYSTEM = FHIR_ID_SYSTEM + "RelatedPerson"


class Refused(Exception):  # noqa: N818 - a refusal of a resource, not a program error
    """A resource medhome will not import; `code` is counted, `reason` is shown to staff."""

    def __init__(self, code: str, reason: str):
        super().__init__(code)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Mapped:
    """What one resource becomes in an EHR record table: rows of field values, each with the
    suffix that makes its source_key (a blood pressure panel gives two rows). No rows: the EHR
    withdrew it (entered in error, not done), so any earlier row goes. `skipped`: a valid
    resource that is not this table's (counted under that reason, nothing written)."""

    child_id: Any
    rows: list[tuple[str, dict[str, Any]]]
    skipped: str = ""


@dataclass(frozen=True)
class PatientRef:
    child_id: Any
    date_of_birth: date


def content_hash(resource: dict[str, Any]) -> str:
    """md5 of the canonical line (keys sorted): a re-sent resource whose keys come in another
    order is still unchanged."""
    canonical = orjson.dumps(resource, option=orjson.OPT_SORT_KEYS)
    return hashlib.md5(canonical, usedforsecurity=False).hexdigest()  # noqa: S324 - change detector


def source_key(resource: dict[str, Any]) -> str:
    """The record's key in its practice: its first identifier system|value, else <type>/<id>."""
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") and identifier.get("value"):
            return f"{identifier['system']}|{identifier['value']}"[:300]
    return f"{resource.get('resourceType', '')}/{resource.get('id', '')}"[:300]


def identifiers(resource: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for identifier in resource.get("identifier") or []:
        system, value = identifier.get("system"), identifier.get("value")
        if system and value:
            found.append((str(system)[:200], str(value)[:100]))
    return found


def invalid_fhir(paths: list[str]) -> Refused:
    """The refusal of a resource R4B does not accept: the paths only (pydantic's own message
    may quote the value)."""
    return Refused(
        "invalid_fhir",
        _("The resource does not follow FHIR R4 (%(fields)s).") % {"fields": ", ".join(paths[:5])},
    )


def require_code(value: object, allowed: frozenset[str], field: str) -> str:
    """The required value sets (status, gender…) the R4B models accept as any string."""
    if value not in allowed:
        raise Refused(
            "invalid_code",
            _("The code in %(field)s is not one FHIR R4 allows.") % {"field": field},
        )
    return str(value)


def codings(concept: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(system, code, display) of a CodeableConcept's codings."""
    if not concept:
        return []
    return [
        (c.get("system", ""), c.get("code", ""), c.get("display", ""))
        for c in concept.get("coding") or []
    ]


def concept_text(concept: dict[str, Any] | None) -> str:
    if not concept:
        return ""
    return str(concept.get("text") or next((d for _s, _c, d in codings(concept) if d), ""))


def first_code(concept: dict[str, Any] | None, systems: tuple[str, ...]) -> tuple[str, str, str]:
    """The first coding in one of these systems (in that order), else ("", "", "")."""
    found = codings(concept)
    for system in systems:
        for coding in found:
            if coding[0] == system and coding[1]:
                return coding
    return ("", "", "")


def parse_date(value: object) -> date | None:
    """The calendar date of a FHIR date or dateTime, in the practice's time zone for an
    instant (a shot given at 23:00 on the 3rd is the 3rd, not the 4th in UTC)."""
    if not value:
        return None
    text = str(value)
    try:
        if len(text) <= 10:
            if len(text) == 4:
                return date(int(text), 1, 1)
            if len(text) == 7:
                return date(int(text[:4]), int(text[5:7]), 1)
            return date.fromisoformat(text)
        moment = parse_instant(text)
    except ValueError:
        raise Refused("invalid_date", _("A date is not a valid date.")) from None
    return clock.local_date(moment)


def parse_instant(value: object) -> datetime:
    moment = parse_datetime(str(value)) if value else None
    if moment is None or moment.tzinfo is None:
        raise Refused("invalid_date", _("A date and time is not a valid instant."))
    return moment


def reference_id(value: object, kind: str) -> str:
    """The sender's id in a `<kind>/<id>` reference ("" when it is not one, or not a dict)."""
    text = str(value.get("reference") or "") if isinstance(value, dict) else ""
    found, _sep, rest = text.rpartition("/")
    return rest if found.split("/")[-1] == kind and rest else ""


def patient_id(reference: dict[str, Any] | None) -> str:
    """The sender's id in a Patient/<id> reference ("" when it is not one)."""
    text = str((reference or {}).get("reference") or "")
    kind, _sep, rest = text.rpartition("/")
    if kind.split("/")[-1] != "Patient" or not rest:
        return ""
    return rest.split("/_history")[0]


def resolve_child(reference: dict[str, Any] | None, children: dict[str, PatientRef]) -> PatientRef:
    found = children.get(patient_id(reference))
    if found is None:
        raise Refused(
            "unknown_patient",
            _("The resource refers to a patient this practice does not have."),
        )
    return found


def check_dates(
    *, on: date | None, ends_on: date | None = None, today: date, born: date | None = None
) -> None:
    """The refusals every dated record shares: in the future, before birth, end before start."""
    if on is not None and on > today:
        raise Refused("future_date", _("The date is in the future."))
    if on is not None and born is not None and on < born:
        raise Refused("before_birth", _("The date is before the child's date of birth."))
    if on is not None and ends_on is not None and ends_on < on:
        raise Refused("end_before_start", _("The end is before the start."))
