"""Encounter (US Core 7 Encounter): a visit to the practice that took place (arrived or
completed, visits.Visit) under Encounter/<visit id>, and an event between visits (ED visit,
hospital stay, urgent care..., events.CareEvent; resources/care_event.py) under
Encounter/<care event id>. Both come from one view, fhir_encounter_row (fhir.models.
EncounterRow, migration fhir/0002), so one query searches, pages and sorts both.

A visit's Encounter is written to round-trip through the EHR import (ehr/fhir_in/visits.py
`encounter_visit`): the identifier the visit was imported with, class AMB / VR, the visit
kind as a type coding the import reads back (WELL_CODES, FOLLOW_UP_CODES, or the words of its
text), the Location's display (a Site's name), `appointment` naming the Appointment of the
same visit, and the restricted label (v3 Confidentiality R) on the adolescent's own visit.

Events follow the chart's timeline (events.selectors.events_of_child): with chart.read, only
those filed to a child, never a retracted one; CareEvent has no confidential flag. A partner
organization's client reads neither."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from medhome.events.models import EventKind
from medhome.fhir.models import EncounterRow, EncounterSource
from medhome.smart.principal import FhirPrincipal
from medhome.visits.models import Modality, Visit, VisitKind, VisitStatus

from ..care import (
    ACT_CODE,
    SNOMED,
    code_table,
    coded_param,
    concept,
    external_identifier,
    instant,
    membership_of,
    meta,
    patient_ref,
    practice_rows,
    practitioner_param,
    practitioner_ref,
    ref,
)
from ..params import date_param, parse_uuid, reference_param
from ..registry import ResourceType, register
from . import care_event
from .practitioner import practitioner_id

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter"
# R4 Encounter.status (http://hl7.org/fhir/R4/valueset-encounter-status.html), the inverse of
# ehr/fhir_in/visits.py ENCOUNTER_TO_VISIT for the visits that took place.
STATUS = {VisitStatus.ARRIVED: "arrived", VisitStatus.COMPLETED: "finished"}
# v3 ActCode (http://terminology.hl7.org/CodeSystem/v3-ActCode): AMB ambulatory, VR virtual
# (video and audio-only telehealth alike); the import's AMBULATORY set.
CLASS = {
    Modality.IN_PERSON: ("AMB", "ambulatory"),
    Modality.VIDEO: ("VR", "virtual"),
    Modality.AUDIO: ("VR", "virtual"),
}
# SNOMED CT codes the EHR import reads as the visit's kind (ehr/fhir_in/visits.py WELL_CODES,
# FOLLOW_UP_CODES): 410620009 |Well child visit|, 390906007 |Follow-up encounter|. A sick
# visit has no code of its own here: medhome's kind coding and its text only.
SNOMED_KIND = {
    VisitKind.WELL_CHILD: ("410620009", "Well child visit"),
    VisitKind.GROUP: ("410620009", "Well child visit"),
    VisitKind.FOLLOW_UP: ("390906007", "Follow-up encounter"),
}
KIND_SYSTEM = "urn:medhome:visit-kind"  # medhome's own: visits.models.VisitKind
# HL7 v3 Confidentiality R "restricted" (ehr/fhir_in/visits.py CONFIDENTIALITY_SYSTEM).
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
SP = "http://hl7.org/fhir/SearchParameter/"


def visit_rows(principal: FhirPrincipal) -> QuerySet[Visit]:
    """The practice's visits. The adolescent's own visit is served labelled restricted, as the
    schedule shows it to every chart reader with its badge (visits/panel.html): its flag keeps
    reminders from the parent's channels, and no parent reads this API."""
    # meta.lastUpdated and `_lastUpdated`: when it last changed, else when it was booked.
    visits = practice_rows(principal, Visit).annotate(
        last_updated=Coalesce(F("updated_at"), F("created_at"))
    )
    return visits


def prepare(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    return qs.select_related("clinician", "site").annotate(
        fhir_practitioner=practitioner_id("clinician")
    )


def clinician_ref(visit: Visit) -> dict[str, Any]:
    return practitioner_ref(visit.clinician, membership_of(visit, "clinician"))


def site_ref(visit: Visit) -> dict[str, Any]:
    """The visit's Site, served as Location/<site id>; its name as display is what the EHR
    import matches a Site by (ehr/fhir_in/visits.py location_names)."""
    assert visit.site is not None
    return ref("Location", visit.site_id, visit.site.name)


def kind_concept(visit: Visit) -> dict[str, Any]:
    """The visit's kind: SNOMED where it has a code, medhome's kind, and its name as text
    (the words the import's kind_of reads: "well", "follow")."""
    codings = []
    if visit.kind in SNOMED_KIND:
        code, display = SNOMED_KIND[VisitKind(visit.kind)]
        codings.append({"system": SNOMED, "code": code, "display": display})
    codings.append(
        {"system": KIND_SYSTEM, "code": visit.kind, "display": str(VisitKind(visit.kind).label)}
    )
    return {"coding": codings, "text": str(VisitKind(visit.kind).label)}


def security(visit: Visit) -> list[dict[str, str]]:
    if not visit.confidential:
        return []
    return [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]


def visit_meta(visit: Visit, profile: str = "") -> dict[str, Any]:
    found = meta(visit.updated_at or visit.created_at, *((profile,) if profile else ()))
    if labels := security(visit):
        found["security"] = labels
    return found


def ends_at(visit: Visit) -> datetime:
    return visit.starts_at + timedelta(minutes=visit.duration_minutes)


def visit_resource(visit: Visit, principal: FhirPrincipal) -> dict[str, Any]:
    code, display = CLASS[Modality(visit.modality)]
    period = {"start": instant(visit.starts_at)}
    if visit.status == VisitStatus.COMPLETED:
        period["end"] = instant(ends_at(visit))
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(visit.pk),
        "meta": visit_meta(visit, PROFILE),
        "identifier": [external_identifier(visit.external_id, visit.pk)],
        "status": STATUS[VisitStatus(visit.status)],
        "class": {"system": ACT_CODE, "code": code, "display": display},
        "type": [kind_concept(visit)],
        "subject": patient_ref(visit.child_id),
        "period": period,
        "appointment": [ref("Appointment", visit.pk)],
        # The practice, served as Organization/<practice id> (resources/organization.py).
        "serviceProvider": ref("Organization", visit.practice_id),
    }
    if visit.clinician is not None:
        resource["participant"] = [
            {
                "type": [concept(PARTICIPATION, "PPRF", "primary performer")],
                "individual": clinician_ref(visit),
            }
        ]
    if visit.site is not None:
        resource["location"] = [{"location": site_ref(visit)}]
    return resource


def _kind_tables() -> dict[str, Q]:
    by_snomed: dict[str, list[str]] = {}
    for kind, (code, _display) in SNOMED_KIND.items():
        by_snomed.setdefault(code, []).append(kind)
    return {code: Q(kind__in=kinds) for code, kinds in by_snomed.items()}


def _identifiers(given: str | None, code: str) -> Q | None:
    if given == "":
        return None
    if given is None:
        return Q(external_id__endswith=f"|{code}") | Q(external_id=code)
    if given == "urn:medhome:visit":
        return Q(pk=code, external_id="") if _is_uuid(code) else None
    return Q(external_id=f"{given}|{code}")


def _is_uuid(value: str) -> bool:
    return parse_uuid(value) is not None


def visit_params(status_param: Any, definitions: dict[str, str]) -> dict[str, Any]:
    """The search parameters Encounter and Appointment share (US Core: patient, date, status,
    identifier; practitioner), `status_param` the type's own status, `definitions` the
    SearchParameter canonical of each."""
    return {
        "patient": reference_param(
            "patient",
            "child_id",
            "Patient",
            definition=definitions["patient"],
        ),
        "date": date_param(
            "date",
            "starts_at",
            is_date=False,
            definition=definitions["date"],
        ),
        "status": status_param,
        "identifier": coded_param(
            "identifier",
            _identifiers,
            definition=definitions["identifier"],
        ),
        "practitioner": practitioner_param(
            "practitioner",
            "clinician_id",
            definition=definitions["practitioner"],
        ),
    }


# --- The Encounter type: visits and events through the view ---------------------------------


def rows(principal: FhirPrincipal) -> QuerySet[EncounterRow]:
    """The practice's visits that took place and its children's events, with chart.read (the
    chart's timeline and schedule); none for a partner organization's client."""
    return practice_rows(principal, EncounterRow)


def prepare_rows(qs: QuerySet[EncounterRow]) -> QuerySet[EncounterRow]:
    return qs.select_related("visit__clinician", "visit__site", "care_event__child").annotate(
        fhir_practitioner=practitioner_id("clinician")
    )


def to_resource(row: EncounterRow, principal: FhirPrincipal) -> dict[str, Any]:
    if row.source == EncounterSource.EVENT:
        assert row.care_event is not None
        return care_event.event_resource(row.care_event, row.last_updated)
    visit = row.visit
    assert visit is not None
    if hasattr(row, "fhir_practitioner"):
        visit.fhir_practitioner = row.fhir_practitioner  # type: ignore[attr-defined]
    return visit_resource(visit, principal)


VISIT, EVENT = Q(source=EncounterSource.VISIT), Q(source=EncounterSource.EVENT)
FHIR_STATUSES = frozenset({*STATUS.values(), "in-progress"})
FHIR_CLASSES = frozenset({code for code, _d in CLASS.values()} | set(care_event.CLASS_DISPLAY))


def _row_statuses(given: str | None, code: str) -> Q | None:
    if given not in (None, "http://hl7.org/fhir/encounter-status") or code not in FHIR_STATUSES:
        return None
    return Q(fhir_status=code)


def _row_classes(given: str | None, code: str) -> Q | None:
    if given not in (None, ACT_CODE) or code not in FHIR_CLASSES:
        return None
    return Q(fhir_class=code)


_row_types = code_table(
    SNOMED,
    {code: VISIT & q for code, q in _kind_tables().items()},
    also={
        KIND_SYSTEM: {kind.value: VISIT & Q(kind=kind) for kind in VisitKind},
        care_event.KIND_SYSTEM: {kind.value: EVENT & Q(kind=kind) for kind in EventKind},
    },
)


def _row_identifiers(given: str | None, code: str) -> Q | None:
    """The sender's identifier (`system|value`; a value alone matches any system), or
    medhome's own id of a visit or event that has none."""
    if given == "":
        return None
    if given is None:
        return Q(external_id__endswith=f"|{code}") | Q(external_id=code)
    if given in ("urn:medhome:visit", care_event.EVENT_ID_SYSTEM):
        source = VISIT if given == "urn:medhome:visit" else EVENT
        return source & Q(pk=code, external_id="") if _is_uuid(code) else None
    return Q(external_id=f"{given}|{code}")


ENCOUNTER = register(
    ResourceType(
        name="Encounter",
        model=EncounterRow,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params={
            "patient": reference_param(
                "patient", "child_id", "Patient", definition=f"{SP}clinical-patient"
            ),
            "date": date_param("date", "starts_at", is_date=False, definition=f"{SP}clinical-date"),
            "status": coded_param("status", _row_statuses, definition=f"{SP}Encounter-status"),
            "identifier": coded_param(
                "identifier", _row_identifiers, definition=f"{SP}clinical-identifier"
            ),
            "practitioner": practitioner_param(
                "practitioner", "clinician_id", definition=f"{SP}Encounter-practitioner"
            ),
            "class": coded_param("class", _row_classes, definition=f"{SP}Encounter-class"),
            "type": coded_param("type", _row_types, definition=f"{SP}clinical-type"),
        },
        profiles=(PROFILE,),
        sorts={"date": "starts_at"},
        default_order=("-starts_at", "pk"),
        prepare=prepare_rows,
        updated_field="last_updated",
    )
)
