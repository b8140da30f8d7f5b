"""An event between visits (events.CareEvent: ED visit, hospital stay, urgent care, specialist
or home visit) as a US Core 7 Encounter, served alongside the practice's own visits under
Encounter/<care event id> (resources/encounter.py; the rows come from the view
fhir_encounter_row, migration fhir/0002).

Written to round-trip through medhome's own hospital feed (events/parsing.py read_encounter):
identifier[0] is the sender's visit number with the sending facility as its system, the class
is one the feed reads back to the same patient class, serviceProvider.display is the facility,
and subject carries the child's MRN (urn:medhome:mrn, as Patient.identifier does) next to the
reference, since the feed finds the child by MRN. The same Encounter sent back is the same
hospital visit (events/services.py apply_adt: sending facility + visit number), not a second
event.

The hospital is named in `display` only (serviceProvider, location): medhome keeps its name,
no Organization or Location for it. Not stored, so not served: the discharge disposition
(Encounter.hospitalization.dischargeDisposition), diagnoses, the attending physician.
"""

import re
from typing import Any

from medhome.events.models import CareEvent, EventKind, Source
from medhome.families.models import MRN_SYSTEM

from ..care import ACT_CODE, instant, meta

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter"
# v3 ActCode (http://terminology.hl7.org/CodeSystem/v3-ActCode) codes and displays: EMER
# emergency, IMP inpatient encounter, AMB ambulatory, HH home health. Urgent care is ambulatory
# (AMB), not ACUTE (an inpatient acute stay). The events feed reads them back
# (events/parsing.py FHIR_CLASS: EMER → E, IMP → I, AMB → O, HH → O home visit).
CLASS_DISPLAY = {
    "EMER": "emergency",
    "IMP": "inpatient encounter",
    "AMB": "ambulatory",
    "HH": "home health",
}
CLASS = {
    EventKind.EMERGENCY: "EMER",
    EventKind.ADMISSION: "IMP",
    EventKind.DISCHARGE: "IMP",
    EventKind.HOME_VISIT: "HH",
    EventKind.URGENT_CARE: "AMB",
    EventKind.SPECIALIST_VISIT: "AMB",
}
# An event of kind "other" by its HL7 v2 PV1-2 patient class (table 0004).
OTHER_BY_PATIENT_CLASS = {"E": "EMER", "I": "IMP"}
FEEDS = (Source.HL7V2, Source.FHIR)
KIND_SYSTEM = "urn:medhome:event-kind"  # medhome's own: events.models.EventKind
EVENT_ID_SYSTEM = "urn:medhome:care-event"  # an event without the sender's visit number
NO_SPACE = re.compile(r"^\S+$")  # FHIR uri: no whitespace


def class_code(event: CareEvent) -> str:
    """The v3 ActCode class (the view's fhir_class computes the same)."""
    if event.kind == EventKind.OTHER:
        return OTHER_BY_PATIENT_CLASS.get(event.patient_class, "AMB")
    return CLASS.get(EventKind(event.kind), "AMB")


def status(event: CareEvent) -> str:
    """finished once it ended; in-progress while a feed's stay or ED visit is open; an event
    entered by hand or CSV without an end is a record of the past: finished."""
    if event.ended_at is None and event.source in FEEDS:
        return "in-progress"
    return "finished"


def identifier(event: CareEvent) -> dict[str, Any]:
    """The sender's visit number, its sending facility as system when that is a uri (an HL7
    MSH-4 code, a FHIR identifier system); a facility name with spaces cannot be a system: then
    the value alone, which the feed reads with serviceProvider.display as the sender when that
    is the same name. An event without a visit number: medhome's own id."""
    if not event.visit_number:
        return {"system": EVENT_ID_SYSTEM, "value": str(event.pk)}
    found: dict[str, Any] = {"value": event.visit_number}
    if NO_SPACE.match(event.sending_facility):
        found["system"] = event.sending_facility
    elif event.sending_facility and event.sending_facility != event.facility:
        found["assigner"] = {"display": event.sending_facility}
    return found


def kind_concept(event: CareEvent) -> dict[str, Any]:
    label = str(EventKind(event.kind).label)
    coding = {"system": KIND_SYSTEM, "code": event.kind, "display": label}
    return {"coding": [coding], "text": label}


def event_resource(event: CareEvent, last_updated: Any) -> dict[str, Any]:
    code = class_code(event)
    period = {"start": instant(event.started_at)}
    if event.ended_at is not None:
        period["end"] = instant(event.ended_at)
    assert event.child is not None  # the view serves only events filed to a child
    resource: dict[str, Any] = {
        "resourceType": "Encounter",
        "id": str(event.pk),
        "meta": meta(last_updated, PROFILE),
        "identifier": [identifier(event)],
        "status": status(event),
        "class": {"system": ACT_CODE, "code": code, "display": CLASS_DISPLAY[code]},
        "type": [kind_concept(event)],
        "subject": {
            "reference": f"Patient/{event.child_id}",
            "identifier": {"system": MRN_SYSTEM, "value": event.child.mrn},
        },
        "period": period,
    }
    if event.facility:
        resource["serviceProvider"] = {"display": event.facility}
        resource["location"] = [{"location": {"display": event.facility}}]
    return resource
