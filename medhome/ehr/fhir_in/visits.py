"""FHIR Appointment and Encounter → the arguments of `visits.services.upsert_external_visit`
(the one way an EHR appointment or encounter becomes a visit).

An Encounter that names its Appointment completes that appointment's visit rather than adding a
second one; an Encounter that is not an office visit (inpatient, emergency: the events app's
business) is skipped."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from .common import (
    PatientRef,
    Refused,
    codings,
    concept_text,
    parse_instant,
    require_code,
    resolve_child,
)

APPOINTMENT_STATUSES = frozenset(
    {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    }
)
APPOINTMENT_TO_VISIT = {
    "proposed": "scheduled",
    "pending": "scheduled",
    "booked": "scheduled",
    "waitlist": "scheduled",
    "arrived": "arrived",
    "checked-in": "arrived",
    "fulfilled": "completed",
    "cancelled": "cancelled",
    "entered-in-error": "cancelled",
    "noshow": "no_show",
}
ENCOUNTER_STATUSES = frozenset(
    {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    }
)
ENCOUNTER_TO_VISIT = {
    "planned": "scheduled",
    "arrived": "arrived",
    "triaged": "arrived",
    "in-progress": "arrived",
    "finished": "completed",
    "cancelled": "cancelled",
    "entered-in-error": "cancelled",
}
AMBULATORY = frozenset({"AMB", "VR"})  # v3 ActCode: ambulatory, virtual
# Well-child: v2 table 0276 ROUTINE / CHECKUP, SNOMED 410620009 well child visit, CPT 99381–99385
# and 99391–99395 preventive medicine visits (new / established patient, by age).
WELL_CODES = frozenset(
    {"ROUTINE", "CHECKUP", "410620009"}
    | {f"9938{n}" for n in range(1, 6)}
    | {f"9939{n}" for n in range(1, 6)}
)
FOLLOW_UP_CODES = frozenset({"FOLLOWUP", "390906007"})  # v2 0276; SNOMED follow-up encounter


@dataclass(frozen=True)
class VisitData:
    child: PatientRef
    starts_at: datetime
    kind: str
    status: str
    modality: str
    duration_minutes: int
    appointment_id: str = ""  # an Encounter's Appointment (the sender's id)
    # The Location's display and identifier value, matched to a Site's name by the caller.
    site_names: tuple[str, ...] = ()
    # The sender labelled it restricted (is_restricted): the adolescent's own care.
    confidential: bool = False


# HL7 v3 Confidentiality (the FHIR security-label code system, DS4P; interop-codes.md §5): R
# "restricted" and V "very restricted" mark care a sender keeps from the usual readers, which in
# a pediatric record is the adolescent's own (domain-reference §11).
CONFIDENTIALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
RESTRICTED = frozenset({"R", "V"})


def is_restricted(resource: dict[str, Any]) -> bool:
    labels = (resource.get("meta") or {}).get("security") or []
    return any(
        isinstance(label, dict)
        and label.get("system") == CONFIDENTIALITY_SYSTEM
        and label.get("code") in RESTRICTED
        for label in labels
    )


def location_names(location: object) -> tuple[str, ...]:
    """A Location reference's display and identifier value (what a Site's name may be)."""
    if not isinstance(location, dict):
        return ()
    identifier = location.get("identifier")
    value = identifier.get("value") if isinstance(identifier, dict) else None
    found = [location.get("display"), value]
    return tuple(str(n).strip() for n in found if n and str(n).strip())


def kind_of(concepts: list[dict[str, Any]]) -> str:
    codes = {code for concept in concepts for _s, code, _d in codings(concept)}
    words = " ".join(concept_text(concept) for concept in concepts).lower()
    if codes & WELL_CODES or "well" in words or "routine" in words or "check-up" in words:
        return "well_child"
    if codes & FOLLOW_UP_CODES or "follow" in words:
        return "follow_up"
    return "sick"


def appointment_visit(resource: dict[str, Any], *, children: dict[str, PatientRef]) -> VisitData:
    status = require_code(resource.get("status"), APPOINTMENT_STATUSES, "status")
    patient = next(
        (
            p.get("actor")
            for p in resource.get("participant") or []
            if str((p.get("actor") or {}).get("reference", "")).startswith("Patient/")
        ),
        None,
    )
    child = resolve_child(patient, children)
    if not resource.get("start"):
        raise Refused("no_date", _("The appointment has no start."))
    starts_at = parse_instant(resource["start"])
    duration = _minutes(starts_at, resource.get("end"), resource.get("minutesDuration"))
    concepts = [*(resource.get("serviceType") or []), resource.get("appointmentType") or {}]
    location = next(
        (
            p.get("actor")
            for p in resource.get("participant") or []
            if isinstance(p.get("actor"), dict)
            and (
                p["actor"].get("type") == "Location"
                or str(p["actor"].get("reference", "")).startswith("Location/")
            )
        ),
        None,
    )
    return VisitData(
        child=child,
        starts_at=starts_at,
        kind=kind_of(concepts),
        status=APPOINTMENT_TO_VISIT[status],
        modality="in_person",
        duration_minutes=duration,
        site_names=location_names(location),
        confidential=is_restricted(resource),
    )


def encounter_visit(
    resource: dict[str, Any], *, children: dict[str, PatientRef]
) -> VisitData | None:
    """None when the encounter is not an office visit (or its status says nothing yet)."""
    status = require_code(resource.get("status"), ENCOUNTER_STATUSES, "status")
    child = resolve_child(resource.get("subject"), children)
    encounter_class = (resource.get("class") or {}).get("code")
    if encounter_class not in AMBULATORY or status not in ENCOUNTER_TO_VISIT:
        return None
    period = resource.get("period") or {}
    if not period.get("start"):
        raise Refused("no_date", _("The encounter has no start."))
    starts_at = parse_instant(period["start"])
    duration = _minutes(starts_at, period.get("end"), None)
    appointment = next(
        (
            str(a.get("reference")).rpartition("/")[2]
            for a in resource.get("appointment") or []
            if str(a.get("reference", "")).startswith("Appointment/")
        ),
        "",
    )
    return VisitData(
        child=child,
        starts_at=starts_at,
        kind=kind_of(resource.get("type") or []),
        status=ENCOUNTER_TO_VISIT[status],
        modality="video" if encounter_class == "VR" else "in_person",
        duration_minutes=duration,
        appointment_id=appointment,
        site_names=location_names(((resource.get("location") or [{}])[0] or {}).get("location")),
        confidential=is_restricted(resource),
    )


def _minutes(starts_at: datetime, end: object, minutes: object) -> int:
    if end:
        ends_at = parse_instant(end)
        if ends_at < starts_at:
            raise Refused("end_before_start", _("The end is before the start."))
        return max(1, min(int((ends_at - starts_at).total_seconds() // 60), 600))
    if isinstance(minutes, int) and 0 < minutes <= 600:
        return minutes
    return 20
