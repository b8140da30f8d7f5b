"""The practice's schedule from its EHR: HL7 v2.5 SIU messages become visits.

Triggers: S12 new, S13 rescheduled, S14 modified, S15 cancelled, S26 no-show (other SIU
triggers are stored and acknowledged, and change nothing). What is read, all with python-hl7
(never by splitting the text):

- the appointment's id: SCH-2 filler id, else SCH-1 placer id, as "<namespace>|<id>" (EI.2|EI.1)
  — the visit's `external_id`, so a re-sent message finds the same visit;
- its start: SCH-11.4 (TQ start), else TQ1-7, else AIS-4; its length: AIS-7/AIS-8, else
  SCH-9/SCH-10, else SCH-11.3 ("M20"), else the end SCH-11.5 minus the start, else 20 minutes;
- the patient: PID-3 identifiers (assigning authority + id) then the MR identifier, through
  `patients.find_child` only — an unknown patient is never created here: the message is kept as
  UNMATCHED for a person (or a later panel message) to match, and applied again then;
- the clinician: AIP-3 (XCN id, family, given) or AIG-3 (CE id, text), matched to an active member
  of the practice by user name, else by full name; no match leaves the visit without one;
- the site: AIL-3 (PL point of care, facility, description) matched to a site's name;
- the kind and modality: words in SCH-7 (reason), SCH-8 (type) and AIS-3 (service) — HL7 tables
  0276 codes (CHECKUP, FOLLOWUP, WALKIN, EMERGENCY) and the words EHRs use; ROUTINE, the
  table's default, says nothing, and what says nothing is a follow-up, never a well-child visit;
- the status: from the trigger (S15 cancelled, S26 did not come), else SCH-25 filler status,
  else the visit keeps the one it has (an arrived child stays arrived when a note changes).

The EHR is the schedule's source of truth: its message is applied through
`visits.services.upsert_external_visit` (idempotent: a re-sent S12 writes nothing). A refusal
(a date that is not a date, a visit before the child's birth) raises `Malformed` in medhome's
words, answered AR, with nothing written.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import hl7
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from medhome.events.handlers import Received
from medhome.events.models import InboundMessage, MessageStatus
from medhome.events.parsing import Malformed, _field, _has_segment, _hl7_datetime
from medhome.events.services import feed_actor
from medhome.practices.models import Membership, Practice, Site
from medhome.visits.models import Modality, Visit, VisitKind, VisitStatus
from medhome.visits.services import upsert_external_visit

from .adt import identifiers as stored_identifiers
from .completions import refresh_completions
from .patients import find_child

HANDLED_TRIGGERS = frozenset({"S12", "S13", "S14", "S15", "S26"})
DEFAULT_MINUTES = 20
MAX_MINUTES = 240  # the longest visit the booking rules accept (visits.booking.MAX_MINUTES)

TRIGGER_STATUS = {"S15": VisitStatus.CANCELLED, "S26": VisitStatus.NO_SHOW}
# HL7 table 0278 (filler status codes).
FILLER_STATUS = {
    "booked": VisitStatus.SCHEDULED,
    "pending": VisitStatus.SCHEDULED,
    "overbook": VisitStatus.SCHEDULED,
    "started": VisitStatus.ARRIVED,
    "complete": VisitStatus.COMPLETED,
    "cancelled": VisitStatus.CANCELLED,
    "deleted": VisitStatus.CANCELLED,
    "dc": VisitStatus.CANCELLED,
    "noshow": VisitStatus.NO_SHOW,
}
# Words of SCH-7/SCH-8/AIS-3, first match wins. An appointment whose words say nothing medhome
# knows is a follow-up: never counted as a well-child visit it may not have been.
KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (VisitKind.GROUP, ("group",)),
    (
        VisitKind.WELL_CHILD,
        ("well", "wcc", "wcv", "checkup", "check-up", "physical", "preventive"),
    ),
    (VisitKind.FOLLOW_UP, ("followup", "follow-up", "follow up", "f/u", "recheck")),
    (VisitKind.SICK, ("sick", "acute", "illness", "walkin", "walk-in", "emergency", "urgent")),
)
MODALITY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Modality.VIDEO, ("video", "telehealth", "telemed", "virtual")),
    (Modality.AUDIO, ("phone", "telephone", "audio")),
)
APPOINTMENT_TIME = re.compile(r"^\d{12}(\d{2}(\.\d{1,4})?)?([+-]\d{4})?$")
DURATION = re.compile(r"^\s*([SMHD]?)\s*(\d+(?:\.\d+)?)\s*$", re.IGNORECASE)
UNIT_MINUTES = {"": 1.0, "s": 1 / 60, "sec": 1 / 60, "m": 1.0, "min": 1.0, "minutes": 1.0}
UNIT_MINUTES |= {"h": 60.0, "hr": 60.0, "hour": 60.0, "hours": 60.0, "d": 1440.0}


@dataclass(frozen=True)
class Appointment:
    """What medhome needs from one SIU message (no PHI leaves this value but into the DB)."""

    trigger: str
    external_id: str
    starts_at: datetime | None = None
    duration_minutes: int = DEFAULT_MINUTES
    identifiers: tuple[tuple[str, str], ...] = ()
    mrn: str = ""
    kind: str = VisitKind.FOLLOW_UP
    modality: str = Modality.IN_PERSON
    status: str | None = None  # None: the visit keeps its status (new ones are booked)
    clinician_ids: tuple[str, ...] = ()
    clinician_names: tuple[tuple[str, str], ...] = ()  # (family, given)
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Applied:
    status: str  # MessageStatus.PROCESSED or UNMATCHED
    outcome: str  # "created", "updated", "unchanged", "unmatched", "ignored"
    visit: Visit | None = None


def _component(value: Any, index: int) -> str:
    """Component `index` (0-based) of a field repetition python-hl7 gives as str or list."""
    if isinstance(value, str):
        return value if index == 0 else ""
    return str(value[index]) if len(value) > index else ""


def _repetitions(message: hl7.Message, segment: str, number: int) -> list[Any]:
    if not _has_segment(message, segment):
        return []
    found = message.segment(segment)
    if len(found) <= number:
        return []
    field = found[number]
    return [field] if isinstance(field, str) else list(field)


def _moment(
    message: hl7.Message, segment: str, number: int, component: int, name: str
) -> datetime | None:
    """A schedule's date/time to the minute. python-hl7 reads "2026-11-23" as 1 January 2026
    without a word, so the shape is checked here first."""
    value = _field(message, segment, number, component)
    if not value:
        return None
    if not APPOINTMENT_TIME.match(value):
        raise Malformed(f"{name} is not a valid HL7 date/time (YYYYMMDDHHMM[SS][+/-ZZZZ]).")
    try:
        return _hl7_datetime(value)
    except Malformed:
        raise Malformed(f"{name} is not a valid HL7 date/time.") from None


def _minutes(amount: str, unit: str) -> int | None:
    match = DURATION.match(amount or "")
    if not match:
        return None
    prefix, number = match.groups()
    factor = UNIT_MINUTES.get((prefix or unit or "").strip().lower())
    if factor is None:
        raise Malformed("The appointment's duration unit is not one medhome reads.")
    return round(float(number) * factor)


def _duration(message: hl7.Message, starts_at: datetime | None) -> int:
    for amount, unit in (
        (_field(message, "AIS", 7), _field(message, "AIS", 8)),
        (_field(message, "SCH", 9), _field(message, "SCH", 10)),
        (_field(message, "SCH", 11, 3), ""),
        (_field(message, "TQ1", 6, 1), _field(message, "TQ1", 6, 2)),
    ):
        minutes = _minutes(amount, unit)
        if minutes is not None:
            return minutes
    ends_at = _moment(message, "SCH", 11, 5, "SCH-11.5 (end)")
    if starts_at is not None and ends_at is not None:
        return round((ends_at - starts_at) / timedelta(minutes=1))
    return DEFAULT_MINUTES


def _first_word_match(
    texts: list[str], table: tuple[tuple[str, tuple[str, ...]], ...], default: str
) -> str:
    """The first field (in the order given) whose words name a value decides it."""
    for text in texts:
        for value, words in table:
            if any(word in text for word in words):
                return value
    return default


def _appointment_id(message: hl7.Message) -> str:
    for number in (2, 1):  # the filler's (the EHR's own) id first
        value = _field(message, "SCH", number, 1)
        if value:
            return f"{_field(message, 'SCH', number, 2)}|{value}"
    raise Malformed("The message carries no appointment id (SCH-1 or SCH-2).")


def read_siu(message: hl7.Message) -> Appointment:
    """The appointment in a parsed SIU message; Malformed (medhome's words) when unusable."""
    if _field(message, "MSH", 9, 1) != "SIU":
        raise Malformed("Only SIU messages carry appointments.")
    trigger = _field(message, "MSH", 9, 2)
    if trigger not in HANDLED_TRIGGERS:
        return Appointment(trigger=trigger, external_id="")
    if not _has_segment(message, "SCH"):
        raise Malformed("The SCH segment is missing.")
    if not _has_segment(message, "PID"):
        raise Malformed("The PID segment is missing.")
    external_id = _appointment_id(message)
    starts_at = (
        _moment(message, "SCH", 11, 4, "SCH-11.4 (start)")
        or _moment(message, "TQ1", 7, 1, "TQ1-7 (start)")
        or _moment(message, "AIS", 4, 1, "AIS-4 (start)")
    )
    if starts_at is None:
        raise Malformed("The appointment has no start date/time (SCH-11, TQ1-7 or AIS-4).")
    minutes = _duration(message, starts_at)
    if not 0 < minutes <= MAX_MINUTES:
        raise Malformed(f"The appointment's length must be 1 to {MAX_MINUTES} minutes.")
    identifiers, mrns = [], []
    for cx in _repetitions(message, "PID", 3):
        value, authority, kind = _component(cx, 0), _component(cx, 3), _component(cx, 4)
        if value:
            identifiers.append((authority, value))
            if kind.upper() in ("MR", ""):
                mrns.append(value)
    mrn = mrns[0] if mrns else ""
    if not identifiers:
        raise Malformed("PID-3 names no patient identifier.")
    # The reason (SCH-7) speaks first, then the type (SCH-8), then the service booked (AIS-3).
    words = [
        f"{_field(message, segment, number, 1)} {_field(message, segment, number, 2)}".lower()
        for segment, number in (("SCH", 7), ("SCH", 8), ("AIS", 3))
    ]
    locations = tuple(
        name for name in (_field(message, "AIL", 3, c) for c in (1, 4, 9)) if name
    ) + tuple(name for name in (_field(message, "AIL", 4, c) for c in (1, 2)) if name)
    filler = _field(message, "SCH", 25, 1).lower().replace(" ", "").replace("-", "")
    status = TRIGGER_STATUS.get(trigger) or FILLER_STATUS.get(filler)
    if trigger == "S13" and status is None:
        status = VisitStatus.SCHEDULED  # rescheduled: booked again at the new time
    return Appointment(
        trigger=trigger,
        external_id=external_id,
        starts_at=starts_at,
        duration_minutes=minutes,
        identifiers=tuple(identifiers),
        mrn=mrn,
        kind=_first_word_match(words, KIND_WORDS, VisitKind.FOLLOW_UP),
        modality=_first_word_match(
            [*words, " ".join(locations).lower()], MODALITY_WORDS, Modality.IN_PERSON
        ),
        status=status,
        clinician_ids=tuple(
            v for v in (_field(message, "AIP", 3, 1), _field(message, "AIG", 3, 1)) if v
        ),
        clinician_names=tuple(
            (family, given)
            for family, given in (
                (_field(message, "AIP", 3, 2), _field(message, "AIP", 3, 3)),
                *_split_name(_field(message, "AIG", 3, 2)),
            )
            if family
        ),
        locations=locations,
    )


def _split_name(text: str) -> list[tuple[str, str]]:
    """An AIG-3 text "Amara Okafor" or "Okafor, Amara" as (family, given)."""
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return [(family, given)]
    parts = text.split()
    return [(parts[-1], " ".join(parts[:-1]))] if len(parts) > 1 else []


def match_clinician(practice: Practice, appointment: Appointment) -> int | None:
    """The practice's active member the message names, by user name then full name."""
    members = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(practice=practice, is_active=True).values("user_id"),
        is_active=True,
    )
    for user_name in appointment.clinician_ids:
        hit = members.filter(username__iexact=user_name).values_list("pk", flat=True)
        if len(hit) == 1:
            return int(hit[0])
    for family, given in appointment.clinician_names:
        hit = members.filter(last_name__iexact=family, first_name__iexact=given).values_list(
            "pk", flat=True
        )
        if len(hit) == 1:
            return int(hit[0])
    return None


def match_site(practice: Practice, appointment: Appointment) -> Site | None:
    names = {name.strip().lower() for name in appointment.locations if name.strip()}
    for site in Site.objects.filter(practice=practice):
        if site.name.strip().lower() in names:
            return site
    return None


@transaction.atomic
def apply_siu(*, practice: Practice, parsed: hl7.Message, at: datetime) -> Applied:
    """Apply one SIU message to the practice's schedule (see the module). Malformed, with nothing
    written, when it is refused."""
    appointment = read_siu(parsed)
    if appointment.trigger not in HANDLED_TRIGGERS:
        return Applied(status=MessageStatus.PROCESSED, outcome="ignored")
    # PID-3 as the ADT path stores it (urn:medhome:hl7:<authority>, the practice MRN) first, so
    # a patient a person matched by hand (ehr.waiting) or an A40's retired MRN finds the child.
    stored, _mrn = stored_identifiers(parsed, "PID", 3)
    child = find_child(practice, (*stored, *appointment.identifiers), appointment.mrn)
    if child is None:
        # Kept as the stored message, status UNMATCHED: a person matches it (or the patient
        # arrives on the panel) and it is applied again. Never a new child from a schedule.
        return Applied(status=MessageStatus.UNMATCHED, outcome="unmatched")
    assert appointment.starts_at is not None
    existing = (
        Visit.objects.for_practice(practice)
        .filter(external_id=appointment.external_id)
        .values_list("status", flat=True)
        .first()
    )
    status = appointment.status or existing or VisitStatus.SCHEDULED
    try:
        visit, outcome = upsert_external_visit(
            actor=feed_actor(practice),
            child=child,
            external_id=appointment.external_id,
            starts_at=appointment.starts_at,
            kind=appointment.kind,
            status=status,
            modality=appointment.modality,
            duration_minutes=appointment.duration_minutes,
            site=match_site(practice, appointment),
            clinician_id=match_clinician(practice, appointment),
            at=at,
        )
    except ValidationError as refused:
        # medhome's own sentences (the visit is before the child's birth, …): no PHI.
        raise Malformed(" ".join(refused.messages)) from None
    if outcome != "unchanged" and (
        existing == VisitStatus.COMPLETED or status == VisitStatus.COMPLETED
    ):
        # A well-child visit the EHR says took place (or no longer did) moves the schedule's
        # preventive-visit row: the one recomputation the bulk import also uses.
        refresh_completions(practice=practice, child_ids=[child.pk], at=at)
    return Applied(status=MessageStatus.PROCESSED, outcome=outcome, visit=visit)


def receive_schedule(*, message: InboundMessage, parsed: hl7.Message, at: datetime) -> Received:
    """The feed's handler for every SIU trigger from the practice's own EHR (events.handlers):
    stored, keyed and acknowledged by the feed; applied here; refused with Malformed (AR)."""
    return Received(status=apply_siu(practice=message.practice, parsed=parsed, at=at).status)
