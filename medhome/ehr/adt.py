"""HL7 v2 ADT from the practice's own EHR (a feed credential whose sender is "ehr").

From a hospital an A04 is an ED arrival (events); from the practice's EHR it is a patient
registered at the practice. Registered with events.handlers by EhrConfig.ready():

- A04 (register) and A28 (add person): create or update the child through
  patients.upsert_patient, the one way a patient from the EHR becomes a child, then apply the
  waiting messages that now find it (waiting.replay_waiting);
- A08 (update) and A31 (update person): update a known child; an unknown patient is stored and
  queued (message status UNMATCHED) for a person (waiting.py), never a new child by itself
  (domain reference §2, "An SIU or ADT for an unknown patient");
- A40 (merge): the record named by MRG-1 is merged into the one named by PID-3 (merge.py).

Fields read (interop-codes.md §2.2): PID-3 identifiers (CX.1 value, CX.4 assigning authority →
the identifier's system, CX.5 type "MR" → the MRN), PID-5 name, PID-7 birth date, PID-8 sex,
PID-11 address, PID-15 language. PD1-4 (primary care provider) is not read: naming a clinician
from free text is not safe, and its position is unverified. Refusals are medhome's words only.
"""

from datetime import datetime

import hl7
from django.core.exceptions import ValidationError
from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.events.handlers import Received, register
from medhome.events.models import InboundMessage, MessageStatus, Sender
from medhome.events.parsing import Malformed
from medhome.families.languages import normalize_language
from medhome.families.models import MRN_SYSTEM, Child, ChildIdentifier
from medhome.practices.models import Practice

from . import waiting
from .merge import CHILD_OBJECT, merge_children
from .patients import PatientData, attach_identifiers, find_child, upsert_patient

FEED_ROLE = "feed"
REGISTERS = ("A04", "A28")
UPDATES = ("A08", "A31")
SEX = {"F": "female", "M": "male"}  # table 0001; U, O, A, N, X: unknown at birth for medhome
HL7_SYSTEM = "urn:medhome:hl7:"  # + the assigning authority, or the sending facility


def feed_actor(practice: Practice) -> Actor:
    return Actor(user=None, practice=practice, role=FEED_ROLE)


def _get(parsed: hl7.Message, segment: str, field: int, rep: int = 1, comp: int = 1) -> str:
    try:
        return str(parsed.extract_field(segment, 1, field, rep, comp) or "").strip()
    except (KeyError, IndexError):
        return ""


def _sub(parsed: hl7.Message, segment: str, field: int, rep: int, comp: int, sub: int) -> str:
    try:
        return str(parsed.extract_field(segment, 1, field, rep, comp, sub) or "").strip()
    except (KeyError, IndexError):
        return ""


def _repetitions(parsed: hl7.Message, segment: str, field: int) -> int:
    try:
        value = parsed.segment(segment)[field]
    except (KeyError, IndexError):
        return 0
    return len(value) if isinstance(value, hl7.Field) else 1


def identifiers(
    parsed: hl7.Message, segment: str, field: int
) -> tuple[tuple[tuple[str, str], ...], str]:
    """The (system, value) pairs of a CX list and the MRN among them (type MR, else the first).
    The MRN is also kept under the practice-MRN system, so a CSV row, a merge's retired MRN and
    an ADT all match on it whatever authority each names."""
    facility = _get(parsed, "MSH", 4) or _get(parsed, "MSH", 3)
    found: list[tuple[str, str]] = []
    mrn = ""
    for rep in range(1, _repetitions(parsed, segment, field) + 1):
        value = _get(parsed, segment, field, rep, 1)
        if not value:
            continue
        authority = _sub(parsed, segment, field, rep, 4, 1) or _sub(
            parsed, segment, field, rep, 4, 2
        )
        found.append((HL7_SYSTEM + (authority or facility), value))
        if _get(parsed, segment, field, rep, 5).upper() == "MR" and not mrn:
            mrn = value
    if not mrn and found:
        mrn = found[0][1]
    if mrn:
        found.append((MRN_SYSTEM, mrn))
    for system, value in found:
        if len(system) > 200 or len(value) > 100:
            raise Malformed("A patient identifier is too long.", code="AE")
    return tuple(found), mrn


def _birth_date(parsed: hl7.Message):
    value = _get(parsed, "PID", 7)
    if not value:
        raise Malformed("PID-7 (birth date) is missing.", code="AE")
    try:
        return hl7.parse_datetime(value).date()
    except ValueError as bad:
        raise Malformed("PID-7 (birth date) is not a valid HL7 date.", code="AE") from bad


def _language(parsed: hl7.Message) -> str:
    code = _get(parsed, "PID", 15)
    if not code:
        return ""
    try:
        return normalize_language(code)
    except ValidationError:
        return ""  # an unknown code is not a reason to refuse the patient


def pid_identifiers(parsed: hl7.Message) -> tuple[tuple[tuple[str, str], ...], str]:
    try:
        parsed.segment("PID")
    except KeyError:
        raise Malformed("The PID segment is missing.", code="AE") from None
    ids, mrn = identifiers(parsed, "PID", 3)
    if not ids:
        raise Malformed("PID-3 (patient identifiers) is empty.", code="AE")
    return ids, mrn


def patient_data(parsed: hl7.Message) -> PatientData:
    """The patient of PID, in medhome's terms; Malformed when PID lacks what matching needs."""
    ids, mrn = pid_identifiers(parsed)
    state = _get(parsed, "PID", 11, 1, 4).upper()
    return PatientData(
        identifiers=ids,
        mrn=mrn,
        legal_given_name=_get(parsed, "PID", 5, 1, 2)[:100],
        legal_family_name=_get(parsed, "PID", 5, 1, 1)[:100],
        date_of_birth=_birth_date(parsed),
        sex_at_birth=SEX.get(_get(parsed, "PID", 8).upper()[:1], "unknown"),
        preferred_language=_language(parsed),
        address_line1=_get(parsed, "PID", 11, 1, 1)[:200],
        address_line2=_get(parsed, "PID", 11, 1, 2)[:200],
        city=_get(parsed, "PID", 11, 1, 3)[:100],
        state=state if len(state) == 2 else "",
        zip_code=_get(parsed, "PID", 11, 1, 5)[:10],
    )


def _upsert(message: InboundMessage, data: PatientData, at: datetime) -> Child:
    try:
        child, _outcome = upsert_patient(
            practice=message.practice, data=data, actor=feed_actor(message.practice), at=at
        )
    except ValidationError as refused:
        raise Malformed(_reasons(refused), code="AE") from None
    return child


def _reasons(error: ValidationError) -> str:
    """The refusal's reasons: field names and medhome's messages, never the values."""
    if hasattr(error, "error_dict"):
        parts = [
            f"{name}: {' '.join(m for e in errors for m in e.messages)}"
            for name, errors in error.error_dict.items()
        ]
        return " ".join(parts)[:300]
    return " ".join(error.messages)[:300]


def register_patient(*, message: InboundMessage, parsed: hl7.Message, at: datetime) -> Received:
    """A04 / A28: a patient registered at the practice (created or updated); the EHR
    messages that waited for this patient (an SIU or A08 sent first) are applied now."""
    _upsert(message, patient_data(parsed), at)
    waiting.replay_waiting(message.practice, at)
    return Received(status=MessageStatus.PROCESSED)


def update_patient(*, message: InboundMessage, parsed: hl7.Message, at: datetime) -> Received:
    """A08 / A31: update a known child; an unknown one waits for a person (UNMATCHED)."""
    data = patient_data(parsed)
    if find_child(message.practice, data.identifiers, data.mrn) is None:
        return Received(status=MessageStatus.UNMATCHED)
    _upsert(message, data, at)
    return Received(status=MessageStatus.PROCESSED)


def merge_patients(*, message: InboundMessage, parsed: hl7.Message, at: datetime) -> Received:
    """A40: MRG-1 names the retired record, PID-3 the survivor."""
    practice = message.practice
    survivor_ids, survivor_mrn = pid_identifiers(parsed)
    retired_ids, retired_mrn = identifiers(parsed, "MRG", 1)
    if not retired_ids:
        raise Malformed("MRG-1 (the merged patient's identifiers) is empty.", code="AE")
    survivor = find_child(practice, survivor_ids, survivor_mrn)
    retired = find_child(practice, retired_ids, retired_mrn)
    actor = feed_actor(practice)
    if survivor is None and retired is None:
        return Received(status=MessageStatus.UNMATCHED)
    try:
        with transaction.atomic():
            if survivor is not None and retired is not None and survivor.pk != retired.pk:
                merge_children(actor=actor, survivor=survivor, retired=retired, at=at)
            elif survivor is not None:
                # Only the survivor is known here: the retired identifiers now point at it.
                attach_identifiers(
                    child=survivor, identifiers=retired_ids, actor=actor, at=at, retired=True
                )
            elif retired is not None:
                # Only the retired record is known: it survives under the new identifiers.
                _rekey(retired, survivor_ids, survivor_mrn, actor, at)
    except ValidationError as refused:
        raise Malformed(_reasons(refused), code="AE") from None
    return Received(status=MessageStatus.PROCESSED)


def _rekey(
    child: Child, ids: tuple[tuple[str, str], ...], mrn: str, actor: Actor, at: datetime
) -> None:
    if not mrn or Child.objects.for_practice(child.practice).filter(mrn=mrn).exists():
        raise Malformed("The surviving MRN cannot be given to the merged record.", code="AE")
    ChildIdentifier.objects.filter(child=child).update(retired=True)
    ChildIdentifier.objects.get_or_create(
        practice=child.practice,
        system=MRN_SYSTEM,
        value=child.mrn,
        defaults={"child": child, "retired": True, "created_at": at},
    )
    known = ChildIdentifier.objects.for_practice(child.practice)
    ChildIdentifier.objects.bulk_create(
        [
            ChildIdentifier(practice=child.practice, child=child, system=s, value=v, created_at=at)
            for s, v in ids
            if not known.filter(system=s, value=v).exists()
        ]
    )
    child.mrn = mrn
    child.version += 1
    child.updated_at = at
    child.full_clean(exclude=["family", "practice", "payer"])
    child.save(update_fields=["mrn", "version", "updated_at"])
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=CHILD_OBJECT,
        object_id=child.pk,
        at=at,
        practice=child.practice,
        detail={"fields": ["mrn", "identifiers"], "source": "ehr"},
    )


def register_handlers() -> None:
    for trigger in REGISTERS:
        register(Sender.EHR, f"ADT^{trigger}", register_patient)
    for trigger in UPDATES:
        register(Sender.EHR, f"ADT^{trigger}", update_patient)
    register(Sender.EHR, "ADT^A40", merge_patients)
