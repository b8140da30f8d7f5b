"""Every write to events: feed intake (HL7 v2, FHIR), manual entry, CSV import, resolution.

Feed rules (docs/clinical-rules.md#hospital-events): the raw message is stored before it is parsed;
the ACK says "accepted" only once it is stored; reprocessing is idempotent on the message key
(MSH-3 + MSH-4 + MSH-10, or the Encounter identifier); A11 retracts the visit's event and A13 its
discharge; an ED visit, admission or discharge opens ONE follow-up task per hospital visit (sending
facility + visit number), due 2 business days later on the practice calendar (holidays too).
Logs carry ids and medhome's words, never PHI.
"""

import json
import logging
from datetime import datetime
from typing import Any

import hl7
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.families.services import record_birth_discharge
from medhome.practices.calendar import add_business_days, calendar_of
from medhome.practices.models import Practice
from medhome.tasks.models import TaskKind, TaskPriority
from medhome.tasks.services import cancel_tasks_for, open_task, reschedule

from . import handlers, parsing
from .checks import check_lengths, match_child, same_patient
from .models import (
    TRANSITION_KINDS,
    CareEvent,
    EventKind,
    InboundMessage,
    MessageFormat,
    MessageStatus,
    Sender,
    Source,
)
from .parsing import Adt, Malformed

logger = logging.getLogger(__name__)

EVENT_OBJECT = "care_event"
FEED_ROLE = "feed"
FOLLOW_UP_BUSINESS_DAYS = 2
KEY_LENGTH = 250  # of InboundMessage.idempotency_key's 300


def feed_actor(practice: Practice) -> Actor:
    return Actor(user=None, practice=practice, role=FEED_ROLE)


# --- Transitions of care -----------------------------------------------------------------------


def visit_key(event: CareEvent) -> str:
    if event.visit_number:
        return f"transition:{event.sending_facility}:{event.visit_number}"
    return f"transition:event:{event.pk}"


def birth_stay_days() -> int:
    """An inpatient stay that began within this many days of birth is the birth stay (medhome
    rule, a setting: MEDHOME_EVENTS = {"birth_stay_starts_within_days": N}; default 1, so an
    admission registered the day after a late-evening birth still counts)."""
    events_settings = getattr(settings, "MEDHOME_EVENTS", {}) or {}
    return int(events_settings.get("birth_stay_starts_within_days", 1))


def note_birth_discharge(event: CareEvent, *, at: datetime) -> None:
    """A discharge (A03) of the birth stay gives the child's birth-hospital discharge date,
    which times the first-week visit (docs/clinical-rules.md#visit-windows window table)."""
    child = event.child
    if event.retracted or child is None or event.ended_at is None:
        return
    if event.kind not in (EventKind.DISCHARGE, EventKind.ADMISSION):
        return
    started = clock.local_date(event.started_at)
    if not 0 <= (started - child.date_of_birth).days <= birth_stay_days():
        return
    record_birth_discharge(
        actor=feed_actor(event.practice),
        child=child,
        discharged_on=clock.local_date(event.ended_at),
        at=at,
    )


def apply_transition_rules(event: CareEvent, *, at: datetime) -> None:
    """An ED visit, admission or discharge: flag the chart and open the one follow-up task."""
    note_birth_discharge(event, at=at)
    if event.kind not in TRANSITION_KINDS or event.retracted or event.child_id is None:
        return
    if not event.flagged:
        event.flagged = True
        event.save(update_fields=["flagged"])
    moment = event.ended_at or event.started_at
    due_at = add_business_days(
        moment, FOLLOW_UP_BUSINESS_DAYS, calendar=calendar_of(event.practice)
    )
    task, created = open_task(
        practice=event.practice,
        child=event.child,
        kind=TaskKind.TRANSITION_FOLLOW_UP,
        details={"business_days": FOLLOW_UP_BUSINESS_DAYS},
        # Days, not weeks: it heads the task lists (docs/clinical-rules.md#hospital-events).
        priority=TaskPriority.URGENT,
        due_at=due_at,
        source_type=EVENT_OBJECT,
        source_id=event.pk,
        dedupe_key=visit_key(event),
        at=at,
    )
    # The discharge after an admission (A01 then A03) moves the one task's clock: contact the
    # family within 2 business days of coming home, not of arriving
    # (docs/clinical-rules.md#hospital-events). Not only later: from a weekend the count keeps
    # the wall-clock time (Saturday 08:00 → Tuesday 08:00, Sunday 00:01 → Tuesday 00:01), so a
    # discharge can make it earlier than the admission did. A due time a person moved past the
    # discharge's is theirs and stays.
    if not created and task.status == "open" and task.due_at != due_at:
        set_by_admission = event.ended_at is not None and task.due_at == add_business_days(
            event.started_at, FOLLOW_UP_BUSINESS_DAYS, calendar=calendar_of(event.practice)
        )
        if set_by_admission or task.due_at < due_at:
            reschedule(task=task, due_at=due_at, at=at)


def route_recommendations(event: CareEvent, *, at: datetime) -> None:
    """A specialist's recommendations reach the team as a task to review them (issue 5 part 6)."""
    if (
        event.kind != EventKind.SPECIALIST_VISIT
        or not event.notes.strip()
        or event.child_id is None
    ):
        return
    open_task(
        practice=event.practice,
        child=event.child,
        kind=TaskKind.SPECIALIST_RECOMMENDATIONS,
        due_at=add_business_days(at, FOLLOW_UP_BUSINESS_DAYS, calendar=calendar_of(event.practice)),
        source_type=EVENT_OBJECT,
        source_id=event.pk,
        dedupe_key=f"specialist:{event.pk}",
        at=at,
    )


def _audit_event(actor: Actor, event: CareEvent, action: Action, fields: list[str], at) -> None:
    record(
        actor=actor,
        action=action,
        object_type=EVENT_OBJECT,
        object_id=event.pk,
        at=at,
        practice=event.practice,
        detail={"fields": fields},
    )


def _kind_for(adt: Adt) -> str:
    if adt.kind_hint:
        if adt.kind_hint == EventKind.ADMISSION and adt.ended_at is not None:
            return EventKind.ADMISSION
        return adt.kind_hint
    if adt.message_type == "A01":
        return EventKind.ADMISSION
    if adt.message_type == "A03":
        return EventKind.EMERGENCY if adt.patient_class == "E" else EventKind.DISCHARGE
    if adt.patient_class == "E":
        return EventKind.EMERGENCY
    if adt.patient_class == "I":
        return EventKind.ADMISSION
    return EventKind.OTHER


def apply_adt(practice: Practice, adt: Adt, *, source: str, at: datetime) -> CareEvent | None:
    """Create or update the hospital visit's event; None when the message changes no event.

    Malformed (nothing written: the caller's transaction rolls back) when the visit's event
    belongs to another patient, the visit would end before it started, or a value is too long.
    """
    check_lengths(adt)
    existing = None
    if adt.visit_number:
        # Locked until the message's transaction ends: two messages about one stay on two
        # connections (an A01 and its A03, reordered) otherwise each apply their changes and
        # the transition rules to the row as it was before the other's, and the follow-up is
        # left as neither order makes it (the 10,000-message storm, docs/benchmarks.md).
        existing = (
            CareEvent.objects.for_practice(practice)
            .select_for_update()
            .filter(sending_facility=adt.sending_facility, visit_number=adt.visit_number)
            .first()
        )
    if existing is not None and not same_patient(practice, existing, adt.identity):
        raise Malformed(
            "The visit number belongs to another patient's event: nothing was changed.",
            code="AE",
        )
    start = existing.started_at if existing is not None else adt.started_at
    if adt.ended_at is not None and start is not None and adt.ended_at < start:
        raise Malformed("The visit ends before it starts.", code="AE")
    actor = feed_actor(practice)
    if adt.retract or adt.cancel_discharge:
        if existing is None:
            return None
        if adt.cancel_discharge and existing.kind != EventKind.DISCHARGE:
            existing.ended_at = None
            existing.save(update_fields=["ended_at"])
            _audit_event(actor, existing, Action.UPDATE, ["ended_at"], at)
            return existing
        if not existing.retracted:
            existing.retracted = True
            existing.save(update_fields=["retracted"])
            cancel_tasks_for(
                EVENT_OBJECT, existing.pk, TaskKind.TRANSITION_FOLLOW_UP, at=at, actor=actor
            )
            _audit_event(actor, existing, Action.UPDATE, ["retracted"], at)
        return existing
    if existing is not None:
        changed: list[str] = []
        # A03 before its A01 (a feed that reorders): the A03 alone made a discharge; the
        # admission it ended is what A01 then A03 makes, whatever the order they came in.
        if adt.message_type == "A01" and existing.kind == EventKind.DISCHARGE:
            existing.kind = EventKind.ADMISSION
            changed.append("kind")
        if adt.ended_at and existing.ended_at != adt.ended_at:
            existing.ended_at = adt.ended_at
            changed.append("ended_at")
        if adt.patient_class and existing.patient_class != adt.patient_class:
            existing.patient_class = adt.patient_class
            changed.append("patient_class")
        if adt.facility and existing.facility != adt.facility:
            existing.facility = adt.facility
            changed.append("facility")
        if existing.retracted and adt.message_type in {"A01", "A03", "A04", "Encounter"}:
            existing.retracted = False
            changed.append("retracted")
        if changed:
            existing.save(update_fields=changed)
            _audit_event(actor, existing, Action.UPDATE, changed, at)
        apply_transition_rules(existing, at=at)
        return existing
    if adt.message_type == "A08":
        return None  # an update about a visit medhome never heard of: stored, nothing to change
    identity = adt.identity
    assert adt.started_at is not None
    event = CareEvent.objects.create(
        practice=practice,
        child=match_child(practice, identity),
        kind=_kind_for(adt),
        started_at=adt.started_at,
        ended_at=adt.ended_at,
        facility=adt.facility,
        visit_number=adt.visit_number,
        sending_facility=adt.sending_facility,
        patient_class=adt.patient_class,
        source=source,
        incoming_mrn=identity.mrns[0] if identity.mrns else "",
        incoming_given_name=identity.given_name,
        incoming_family_name=identity.family_name,
        incoming_date_of_birth=identity.date_of_birth,
        created_at=at,
    )
    _audit_event(actor, event, Action.CREATE, ["kind", "started_at", "child"], at)
    apply_transition_rules(event, at=at)
    route_recommendations(event, at=at)
    return event


# --- Feed intake ---------------------------------------------------------------------------------


def _store(
    practice: Practice, fmt: str, raw: str, at: datetime, sender: str = Sender.HOSPITAL
) -> InboundMessage:
    """The raw message, saved (and committed, outside a caller's transaction) before parsing."""
    with transaction.atomic():
        message = InboundMessage(
            practice=practice, format=fmt, raw=raw, received_at=at, sender=sender
        )
        message.idempotency_key = f"pending:{message.pk}"
        message.save()
    return message


def _refuse(message: InboundMessage, error: Malformed, response: str) -> InboundMessage:
    message.status = MessageStatus.ERROR
    message.error = error.text[:300]
    message.idempotency_key = f"error:{message.pk}"
    message.response = response
    message.save(update_fields=["status", "error", "idempotency_key", "response"])
    logger.warning("feed message %s refused: %s", message.pk, error.text)
    return message


def _claim_key(message: InboundMessage, key: str) -> InboundMessage | None:
    """Give the message its key; the earlier message holding that key, if any (a duplicate)."""
    # Room for "#duplicate:<uuid>" too, so a resent message keeps its whole key.
    if len(key) > KEY_LENGTH:
        raise Malformed("The message's identifiers are too long to be a message key.")
    earlier = (
        InboundMessage.objects.for_practice(message.practice)
        .filter(idempotency_key=key)
        .exclude(pk=message.pk)
        .first()
    )
    if earlier is None:
        try:
            with transaction.atomic():
                message.idempotency_key = key
                message.save(update_fields=["idempotency_key"])
                return None
        except IntegrityError:
            earlier = InboundMessage.objects.for_practice(message.practice).get(idempotency_key=key)
    message.status = MessageStatus.DUPLICATE
    message.duplicate_of = earlier
    message.idempotency_key = f"{key}#duplicate:{message.pk}"[:300]
    message.response = earlier.response
    message.save(update_fields=["status", "duplicate_of", "idempotency_key", "response"])
    logger.info("feed message %s duplicates %s", message.pk, earlier.pk)
    return earlier


def _process(message: InboundMessage, adt: Adt, *, source: str, at: datetime) -> None:
    """Apply a parsed message once; running it again changes nothing (keyed on the visit).
    Malformed when apply_adt refuses it, with nothing of it written."""
    with transaction.atomic():
        event = apply_adt(message.practice, adt, source=source, at=at)
        message.event = event
        message.message_type = adt.message_type[:20]
        unmatched = event is not None and event.child_id is None
        message.status = MessageStatus.UNMATCHED if unmatched else MessageStatus.PROCESSED
        message.save(update_fields=["event", "message_type", "status"])
    logger.info("feed message %s %s", message.pk, message.status)


def _handler(message: InboundMessage, parsed: hl7.Message) -> handlers.Handler | None:
    """The handler another app registered for this sender and MSH-9 (events.handlers)."""
    return handlers.handler_for(
        message.sender, parsing._field(parsed, "MSH", 9, 1), parsing._field(parsed, "MSH", 9, 2)
    )


def _run_handler(
    message: InboundMessage, parsed: hl7.Message, handler: handlers.Handler, *, at: datetime
) -> None:
    """The handler's writes and the message's status commit together; Malformed (raised by the
    handler) rolls both back."""
    with transaction.atomic():
        received = handler(message=message, parsed=parsed, at=at)
        message.status = received.status
        message.save(update_fields=["status"])
    logger.info("feed message %s %s", message.pk, message.status)


def receive_hl7(
    *, practice: Practice, raw: str, at: datetime, sender: str = Sender.HOSPITAL
) -> tuple[str, InboundMessage]:
    """Store, parse and apply one HL7 v2 message; the ACK text and the stored message.

    `sender` is the feed credential's: a message type another app registered for that sender
    (events.handlers: the practice's EHR's ADT registrations and merges, SIU) goes to that
    handler once stored and keyed; anything else takes the hospital ADT path below.

    The key is claimed in the transaction that applies the message: a request that dies before
    the commit (its connection cut, its worker killed) leaves the message stored, unkeyed and
    accepted, so the sender's retry is applied rather than taken for a duplicate of nothing. Two
    messages about one hospital visit at the same moment (A01 and A03 on two connections) meet
    at the visit's unique key; the loser is applied again, finding the winner's event."""
    message = _store(practice, MessageFormat.HL7V2, raw, at, sender)
    for attempt in (1, 2):
        try:
            return _receive_stored_hl7(message, at=at)
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("feed message %s met a concurrent write, applied again", message.pk)
    raise AssertionError("unreachable")


def _receive_stored_hl7(message: InboundMessage, *, at: datetime) -> tuple[str, InboundMessage]:
    parsed = None
    try:
        parsed, key = parsing.parse_hl7(message.raw)
        message.message_type = parsing._field(parsed, "MSH", 9, 2)[:20]
        control_id = parsing._field(parsed, "MSH", 10)
        with transaction.atomic():
            earlier = _claim_key(message, key)
            if earlier is not None:
                return message.response, message
            handler = _handler(message, parsed)
            adt = parsing.read_adt(parsed, key) if handler is None else None
            reply = parsing.ack(parsed, code="AA", text="", control_id=control_id, at=at)
            message.response = reply
            message.save(update_fields=["response", "message_type"])
            if handler is not None:
                _run_handler(message, parsed, handler, at=at)
            elif adt is not None and adt.message_type not in parsing.HANDLED_EVENTS:
                message.status = MessageStatus.PROCESSED
                message.save(update_fields=["status"])
                logger.info("feed message %s stored, event type not handled", message.pk)
            else:
                assert adt is not None
                _process(message, adt, source=Source.HL7V2, at=at)
    except Malformed as error:
        control_id = parsing._field(parsed, "MSH", 10) if parsed is not None else ""
        reply = parsing.ack(parsed, code=error.code, text=error.text, control_id=control_id, at=at)
        return reply, _refuse(message, error, reply)
    return reply, message


def receive_fhir_encounter(
    *, practice: Practice, payload: Any, at: datetime
) -> tuple[dict[str, Any], InboundMessage]:
    """Store, validate and apply one FHIR R4 Encounter; an OperationOutcome and the message.

    What is accepted is documented on parsing.read_encounter.
    """
    raw = json.dumps(payload, sort_keys=True, default=str)
    return _receive_encounter(_store(practice, MessageFormat.FHIR, raw, at), payload, at=at)


def receive_fhir(*, practice: Practice, body: bytes, at: datetime) -> tuple[dict, InboundMessage]:
    """The feed's FHIR entry: the body is stored as it arrived, then read as JSON, so a body
    that cannot be read (not UTF-8, not JSON, nested too deeply) is kept and refused."""
    message = _store(practice, MessageFormat.FHIR, body.decode("utf-8", errors="replace"), at)
    try:
        payload = parsing.read_json(body)
    except Malformed as error:
        return _refuse_encounter(message, error), message
    return _receive_encounter(message, payload, at=at)


def _refuse_encounter(message: InboundMessage, error: Malformed) -> dict[str, Any]:
    outcome = parsing.operation_outcome(severity="error", code="invalid", text=error.text)
    _refuse(message, error, json.dumps(outcome))
    return outcome


def _receive_encounter(
    message: InboundMessage, payload: Any, *, at: datetime
) -> tuple[dict[str, Any], InboundMessage]:
    try:
        key = parsing.fhir_key(payload)
        if not key:
            raise Malformed("The Encounter has neither an identifier nor an id.")
        if _claim_key(message, key) is not None:
            return json.loads(message.response or "{}"), message
        adt = parsing.read_encounter(payload)
    except Malformed as error:
        return _refuse_encounter(message, error), message
    outcome = parsing.operation_outcome(
        severity="information", code="informational", text="Encounter accepted."
    )
    message.response = json.dumps(outcome)
    message.save(update_fields=["response"])
    try:
        _process(message, adt, source=Source.FHIR, at=at)
    except Malformed as error:
        return _refuse_encounter(message, error), message
    return outcome, message


def reprocess(*, message: InboundMessage, at: datetime) -> InboundMessage:
    """Apply a stored message again (after a fix, or when it stayed accepted): idempotent."""
    if message.status in {MessageStatus.ERROR, MessageStatus.DUPLICATE}:
        return message
    try:
        if message.format == MessageFormat.HL7V2:
            parsed, key = parsing.parse_hl7(message.raw)
            handler = _handler(message, parsed)
            if handler is not None:
                _run_handler(message, parsed, handler, at=at)
                return message
            adt = parsing.read_adt(parsed, key)
            if adt.message_type in parsing.HANDLED_EVENTS:
                _process(message, adt, source=Source.HL7V2, at=at)
        else:
            payload = parsing.read_json(message.raw.encode())
            _process(message, parsing.read_encounter(payload), source=Source.FHIR, at=at)
    except Malformed as error:
        # Refused now (e.g. the visit's event has since been filed to another child): the
        # stored answer stays the one the sender got.
        return _refuse(message, error, message.response)
    return message


# --- People's work -----------------------------------------------------------------------------


def _require(actor: Actor, practice_id: Any) -> None:
    if not actor.can(Capability.FAMILY_EDIT) or practice_id != actor.practice_id:
        raise PermissionDenied(_("You cannot change events of this practice."))


@transaction.atomic
def resolve_unmatched(*, actor: Actor, event: CareEvent, child: Child, at: datetime) -> CareEvent:
    """A person files an unmatched event to the right child (of the same practice)."""
    _require(actor, event.practice_id)
    if child.practice_id != event.practice_id:
        raise ValidationError(_("The child belongs to another practice."))
    event = CareEvent.objects.select_for_update().get(pk=event.pk)
    if event.child_id is not None:
        raise ValidationError(_("This event is already filed to a child."))
    event.child = child
    event.resolved_at = at
    event.save(update_fields=["child", "resolved_at"])
    InboundMessage.objects.filter(event=event, status=MessageStatus.UNMATCHED).update(
        status=MessageStatus.PROCESSED
    )
    _audit_event(actor, event, Action.UPDATE, ["child", "resolved_at"], at)
    apply_transition_rules(event, at=at)
    route_recommendations(event, at=at)
    return event


@transaction.atomic
def record_event(
    *,
    actor: Actor,
    child: Child,
    kind: str,
    started_at: datetime,
    at: datetime,
    ended_at: datetime | None = None,
    facility: str = "",
    notes: str = "",
    source: str = Source.MANUAL,
) -> CareEvent:
    """An event entered by a person; a specialist's recommendations go in `notes`."""
    _require(actor, child.practice_id)
    if kind not in EventKind.values:
        raise ValidationError(_("Choose a kind of event."))
    if ended_at is not None and ended_at < started_at:
        raise ValidationError(_("The end is before the start."))
    event = CareEvent.objects.create(
        practice=child.practice,
        child=child,
        kind=kind,
        started_at=started_at,
        ended_at=ended_at,
        facility=facility.strip()[:200],
        notes=notes.strip(),
        source=source,
        created_at=at,
    )
    _audit_event(
        actor, event, Action.CREATE, ["kind", "started_at", "ended_at", "facility", "notes"], at
    )
    apply_transition_rules(event, at=at)
    route_recommendations(event, at=at)
    return event
