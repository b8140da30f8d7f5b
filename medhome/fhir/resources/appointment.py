"""Appointment (R4; US Core has no Appointment profile): every visit of a child, booked,
arrived, completed, cancelled or missed (visits.Visit).

The id is the visit's, so the Encounter of a visit that took place names it
(`Encounter.appointment`), and the EHR import reads both back into one visit
(ehr/bulk_people.py `import_encounters`). Statuses are the inverse of
ehr/fhir_in/visits.py APPOINTMENT_TO_VISIT; the kind goes out as `serviceType` and, where v2
table 0276 has a code, `appointmentType` (both read back by `kind_of`)."""

from typing import Any

from django.db.models import Q, QuerySet

from medhome.smart.principal import FhirPrincipal
from medhome.visits.models import CancelReason, Visit, VisitKind, VisitStatus

from ..care import coded_param, concept, external_identifier, instant, patient_ref
from ..registry import ResourceType, register
from .encounter import (
    SP,
    clinician_ref,
    ends_at,
    kind_concept,
    prepare,
    site_ref,
    visit_meta,
    visit_params,
    visit_rows,
)

# R4 AppointmentStatus (http://hl7.org/fhir/R4/valueset-appointmentstatus.html).
STATUS = {
    VisitStatus.SCHEDULED: "booked",
    VisitStatus.ARRIVED: "arrived",
    VisitStatus.COMPLETED: "fulfilled",
    VisitStatus.CANCELLED: "cancelled",
    VisitStatus.NO_SHOW: "noshow",
}
# HL7 v2 table 0276 (http://terminology.hl7.org/CodeSystem/v2-0276): CHECKUP "A routine
# check-up, such as an annual physical", FOLLOWUP "A follow up visit from a previous
# appointment" — both in the import's WELL_CODES / FOLLOW_UP_CODES.
V2_0276 = "http://terminology.hl7.org/CodeSystem/v2-0276"
APPOINTMENT_TYPE = {
    VisitKind.WELL_CHILD: ("CHECKUP", "A routine check-up, such as an annual physical"),
    VisitKind.GROUP: ("CHECKUP", "A routine check-up, such as an annual physical"),
    VisitKind.FOLLOW_UP: ("FOLLOWUP", "A follow up visit from a previous appointment"),
}
CANCEL_REASON_SYSTEM = "urn:medhome:visit-cancel-reason"  # visits.models.CancelReason


def rows(principal: FhirPrincipal) -> QuerySet[Visit]:
    return visit_rows(principal)


def to_resource(visit: Visit, principal: FhirPrincipal) -> dict[str, Any]:
    participants: list[dict[str, Any]] = [
        {"actor": patient_ref(visit.child_id), "required": "required", "status": "accepted"}
    ]
    if visit.clinician is not None:
        participants.append(
            {
                "actor": clinician_ref(visit),
                "required": "required",
                "status": "accepted",
            }
        )
    if visit.site is not None:
        participants.append(
            {
                "actor": site_ref(visit),
                "required": "required",
                "status": "accepted",
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(visit.pk),
        "meta": visit_meta(visit),
        "identifier": [external_identifier(visit.external_id, visit.pk)],
        "status": STATUS[VisitStatus(visit.status)],
        "serviceType": [kind_concept(visit)],
        "start": instant(visit.starts_at),
        "end": instant(ends_at(visit)),
        "minutesDuration": visit.duration_minutes,
        "created": instant(visit.created_at),
        "participant": participants,
    }
    if visit.kind in APPOINTMENT_TYPE:
        code, display = APPOINTMENT_TYPE[VisitKind(visit.kind)]
        resource["appointmentType"] = concept(V2_0276, code, display)
    if visit.status == VisitStatus.CANCELLED and visit.cancel_reason:
        label = str(CancelReason(visit.cancel_reason).label)
        resource["cancelationReason"] = concept(
            CANCEL_REASON_SYSTEM, visit.cancel_reason, label, text=label
        )
    return resource


def _statuses(given: str | None, code: str) -> Q | None:
    if given not in (None, "http://hl7.org/fhir/appointmentstatus"):
        return None
    stored = [value for value, fhir in STATUS.items() if fhir == code]
    return Q(status__in=stored) if stored else None


APPOINTMENT = register(
    ResourceType(
        name="Appointment",
        model=Visit,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params=visit_params(
            coded_param(
                "status",
                _statuses,
                definition=f"{SP}Appointment-status",
            ),
            {
                "patient": f"{SP}Appointment-patient",
                "date": f"{SP}Appointment-date",
                "identifier": f"{SP}Appointment-identifier",
                "practitioner": f"{SP}Appointment-practitioner",
            },
        ),
        sorts={"date": "starts_at"},
        default_order=("-starts_at", "pk"),
        prepare=prepare,
        updated_field="last_updated",
    )
)
