"""Turning feed messages into medhome's terms: HL7 v2 ADT (python-hl7) and FHIR R4B Encounter.

Nothing here touches the database. Errors carry medhome's own words only, never the content of
the message, so they can be stored, logged and sent back without PHI.
"""

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import hl7
from django.utils import timezone
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError as PydanticValidationError


class Malformed(Exception):
    """A message medhome cannot accept. `code`: AR (rejected) or AE (application error)."""

    def __init__(self, text: str, *, code: str = "AR") -> None:
        super().__init__(text)
        self.text = text
        self.code = code


@dataclass
class Identity:
    mrns: list[str] = field(default_factory=list)
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None


@dataclass
class Adt:
    """What medhome needs from one feed message."""

    idempotency_key: str
    message_type: str  # A01, A03, A04, A08, A11, A13; FHIR: "Encounter"
    identity: Identity
    visit_number: str = ""
    sending_facility: str = ""
    facility: str = ""
    patient_class: str = ""  # E, I, O or ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    control_id: str = ""
    retract: bool = False  # A11, or FHIR entered-in-error / cancelled
    cancel_discharge: bool = False  # A13
    kind_hint: str = ""  # FHIR: the kind its class names


HANDLED_EVENTS = frozenset({"A01", "A03", "A04", "A08", "A11", "A13"})


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


# HL7 v2 DTM: YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]. python-hl7's parser reads a string such as
# "2026-11-23" as 1 January 2026 without complaint, so the shape is checked first.
HL7_DTM = re.compile(r"^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2}(\.\d{1,4})?)?)?)?)?)?([+-]\d{4})?$")


def _hl7_datetime(value: str) -> datetime | None:
    if not value:
        return None
    if not HL7_DTM.fullmatch(value.strip()):
        raise Malformed("A date/time field is not a valid HL7 date/time.", code="AE")
    try:
        return _aware(hl7.parse_datetime(value))
    except ValueError as bad:
        raise Malformed("A date/time field is not a valid HL7 date/time.", code="AE") from bad


def _field(message: hl7.Message, segment: str, number: int, component: int = 1) -> str:
    """One component of a field's first repetition, "" when the segment or field is absent."""
    try:
        return str(message.extract_field(segment, 1, number, 1, component) or "")
    except (KeyError, IndexError):
        return ""


def _has_segment(message: hl7.Message, name: str) -> bool:
    try:
        message.segment(name)
    except KeyError:
        return False
    return True


def parse_hl7(raw: str) -> tuple[hl7.Message, str]:
    """The parsed message and its idempotency key, or Malformed when MSH is unusable."""
    text = raw.strip("\x0b\x1c\r\n \t").replace("\r\n", "\r").replace("\n", "\r")
    if not text:
        raise Malformed("The message is empty.")
    try:
        message = hl7.parse(text)
    except Exception as error:  # python-hl7 raises several types on garbage
        raise Malformed("The message does not start with an MSH segment.") from error
    if not _has_segment(message, "MSH"):
        raise Malformed("The message does not start with an MSH segment.")
    control_id = _field(message, "MSH", 10)
    if not control_id:
        raise Malformed("MSH-10 (message control ID) is missing.")
    sender = _field(message, "MSH", 3)
    facility = _field(message, "MSH", 4)
    return message, f"hl7|{sender}|{facility}|{control_id}"


def read_adt(message: hl7.Message, key: str) -> Adt:
    """The ADT content of a parsed message; Malformed when its type is not ADT or a part lacks."""
    if _field(message, "MSH", 9, 1) != "ADT":
        raise Malformed("Only ADT messages are accepted.")
    event = _field(message, "MSH", 9, 2) or _field(message, "EVN", 1)
    if not event:
        raise Malformed("MSH-9 names no trigger event.")
    adt = Adt(
        idempotency_key=key,
        message_type=event,
        identity=Identity(),
        control_id=_field(message, "MSH", 10),
        sending_facility=_field(message, "MSH", 4) or _field(message, "MSH", 3),
    )
    if event not in HANDLED_EVENTS:
        return adt
    if not _has_segment(message, "PID"):
        raise Malformed("The PID segment is missing.", code="AE")
    if not _has_segment(message, "PV1"):
        raise Malformed("The PV1 segment is missing.", code="AE")
    pid = message.segment("PID")
    mrns: list[str] = []
    if len(pid) > 3:
        for repetition in pid[3]:
            # A single CX without repetitions is itself a list of components.
            value = str(repetition[0] if isinstance(repetition, list) else repetition)
            if value:
                mrns.append(value)
    birth = _hl7_datetime(_field(message, "PID", 7))
    adt.identity = Identity(
        mrns=mrns,
        family_name=_field(message, "PID", 5, 1),
        given_name=_field(message, "PID", 5, 2),
        date_of_birth=birth.date() if birth else None,
    )
    adt.patient_class = _field(message, "PV1", 2)[:1].upper()
    if adt.patient_class not in {"E", "I", "O"}:
        adt.patient_class = ""
    adt.facility = _field(message, "PV1", 3, 4) or adt.sending_facility
    adt.visit_number = _field(message, "PV1", 19)
    occurred = _hl7_datetime(_field(message, "EVN", 6)) or _hl7_datetime(_field(message, "EVN", 2))
    sent = _hl7_datetime(_field(message, "MSH", 7))
    adt.started_at = _hl7_datetime(_field(message, "PV1", 44)) or occurred or sent
    adt.ended_at = _hl7_datetime(_field(message, "PV1", 45))
    if event == "A03" and adt.ended_at is None:
        adt.ended_at = occurred or sent
    if adt.started_at is None:
        raise Malformed("The message carries no date/time for the event.", code="AE")
    adt.retract = event == "A11"
    adt.cancel_discharge = event == "A13"
    return adt


def ack(message: hl7.Message | None, *, code: str, text: str, control_id: str, at: datetime) -> str:
    """The HL7 ACK: MSA-1 AA/AE/AR, MSA-2 the inbound MSH-10, MSA-3 medhome's words."""
    stamp = at.strftime("%Y%m%d%H%M%S")
    message_id = f"ACK{control_id}"[:20]
    try:
        assert message is not None
        reply = message.create_ack(
            ack_code=code, message_id=message_id, application="MEDHOME", facility=""
        )
    except (AssertionError, TypeError, IndexError, KeyError):
        # Nothing usable to answer from: a minimal ACK from medhome's own values only.
        minimal = hl7.parse(f"MSH|^~\\&|||MEDHOME||{stamp}||ACK^ACK|{control_id}|P|2.5.1")
        reply = minimal.create_ack(
            ack_code=code, message_id=message_id, application="MEDHOME", facility=""
        )
    reply["MSH.F7"] = stamp
    if text:
        reply["MSA.F3"] = text
    return str(reply)


# --- FHIR R4 Encounter -------------------------------------------------------------------------

FHIR_CLASS = {
    "EMER": ("E", "emergency"),
    "IMP": ("I", "admission"),
    "ACUTE": ("I", "admission"),
    "NONAC": ("I", "admission"),
    "OBSENC": ("O", "other"),
    "AMB": ("O", "other"),
    "HH": ("O", "home_visit"),
}
FHIR_STATUSES = frozenset(
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


# FHIR resources nest a few levels (Encounter → contained Patient → name → given); 64 is far
# more than any Encounter needs and far below what exhausts Python's recursion on json.loads.
MAX_JSON_DEPTH = 64
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
NOT_A_BRACKET = re.compile(r"[^\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply `text` nests arrays and objects, counted without recursion."""
    depth = deepest = 0
    for bracket in NOT_A_BRACKET.sub("", JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def read_json(body: bytes) -> Any:
    """The feed's JSON body; Malformed for text that is not UTF-8 JSON or nests too deeply."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("The body is not UTF-8 text.") from None
    if json_depth(text) > MAX_JSON_DEPTH:
        raise Malformed(f"The JSON nests more than {MAX_JSON_DEPTH} levels deep.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed("The body is not JSON.") from None


def _check_types(payload: dict[str, Any]) -> None:
    """The fields the idempotency key is made of, before they are used (model validation
    comes later): a number where a list belongs must be refused here, not crash."""
    identifiers = payload.get("identifier")
    if identifiers is not None and not (
        isinstance(identifiers, list) and all(isinstance(i, dict) for i in identifiers)
    ):
        raise Malformed("Encounter.identifier must be a list of Identifier objects.")
    for identifier in identifiers or []:
        for name in ("system", "value"):
            if identifier.get(name) is not None and not isinstance(identifier[name], str):
                raise Malformed(f"Encounter.identifier.{name} must be a string.")
    if payload.get("id") is not None and not isinstance(payload["id"], str):
        raise Malformed("Encounter.id must be a string.")
    meta = payload.get("meta")
    if isinstance(meta, dict) and not isinstance(meta.get("versionId") or "", str):
        raise Malformed("Encounter.meta.versionId must be a string.")


def fhir_key(payload: Any) -> str:
    """Idempotency for an Encounter *version*: its identity (first identifier system|value, else
    its id) plus meta.versionId, or else its status and period, so the same resource sent twice
    is a duplicate while an update (arrived → finished, entered-in-error) is applied."""
    if not isinstance(payload, dict):
        return ""
    _check_types(payload)
    identity = ""
    for identifier in payload.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("value"):
            identity = f"fhir|{identifier.get('system', '')}|{identifier['value']}"
            break
    if not identity and payload.get("id"):
        identity = f"fhir|id|{payload['id']}"
    if not identity:
        return ""
    meta: dict[str, Any] = payload["meta"] if isinstance(payload.get("meta"), dict) else {}
    period: dict[str, Any] = payload["period"] if isinstance(payload.get("period"), dict) else {}
    version = meta.get("versionId") or (
        f"{payload.get('status', '')}|{period.get('start', '')}|{period.get('end', '')}"
    )
    return f"{identity}|{version}"


def read_encounter(payload: Any) -> Adt:
    """Accepts an R4 Encounter with: status; class (EMER, IMP, ACUTE, NONAC, OBSENC, AMB, HH);
    period.start (required) and end; identifier[0] (the visit number; its system is the sending
    facility) or id; serviceProvider.display (the facility); subject.reference "#<id>" to a
    contained Patient whose identifier values are MRNs, name[0] family/given and birthDate.
    A subject with only an identifier (MRN) is accepted too.
    """
    if not isinstance(payload, dict) or payload.get("resourceType") != "Encounter":
        raise Malformed("The body is not a FHIR Encounter resource.")
    try:
        encounter = Encounter.model_validate(payload)
    except (PydanticValidationError, ValueError) as invalid:
        raise Malformed("The Encounter is not valid FHIR R4.") from invalid
    if encounter.status not in FHIR_STATUSES:
        raise Malformed("Encounter.status is not an R4 status code.")
    klass = encounter.class_fhir.code if encounter.class_fhir else None
    if klass not in FHIR_CLASS:
        raise Malformed("Encounter.class is not one medhome accepts.")
    patient_class, kind = FHIR_CLASS[str(klass)]
    if encounter.period is None or encounter.period.start is None:
        raise Malformed("Encounter.period.start is missing.")
    identity = Identity()
    subject = encounter.subject
    reference = (subject.reference or "") if subject else ""
    if reference.startswith("#"):
        for resource in encounter.contained or []:
            if isinstance(resource, Patient) and resource.id == reference[1:]:
                identity.mrns = [i.value for i in resource.identifier or [] if i.value]
                if resource.name:
                    identity.family_name = resource.name[0].family or ""
                    identity.given_name = str((resource.name[0].given or [""])[0] or "")
                if resource.birthDate:
                    identity.date_of_birth = resource.birthDate
    if subject is not None and subject.identifier is not None and subject.identifier.value:
        identity.mrns.append(subject.identifier.value)
    if not identity.mrns and not identity.family_name:
        raise Malformed("The Encounter names no patient (contained Patient or identifier).")
    visit_number, system = "", ""
    if encounter.identifier:
        visit_number = encounter.identifier[0].value or ""
        system = encounter.identifier[0].system or ""
    facility = ""
    if encounter.serviceProvider is not None:
        facility = encounter.serviceProvider.display or ""
    start = _fhir_datetime(encounter.period.start)
    end = _fhir_datetime(encounter.period.end)
    status = encounter.status
    return Adt(
        idempotency_key=fhir_key(payload),
        message_type="Encounter",
        identity=identity,
        visit_number=visit_number or (encounter.id or ""),
        sending_facility=system or facility,
        facility=facility,
        patient_class=patient_class,
        started_at=start,
        ended_at=end if status == "finished" else None,
        retract=status in {"entered-in-error", "cancelled"},
        kind_hint=kind,
    )


def _fhir_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return _aware(datetime(value.year, value.month, value.day))
    with contextlib.suppress(ValueError):
        return _aware(datetime.fromisoformat(str(value)))
    raise Malformed("Encounter.period holds an invalid date/time.")


def operation_outcome(*, severity: str, code: str, text: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    }
