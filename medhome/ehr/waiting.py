"""EHR messages waiting for a child: what a person does with them, and their replay.

An ADT A08/A31/A40 or an SIU from the practice's own EHR for a patient medhome does not know is
stored with status UNMATCHED (adt.py, siu.py: never a new child from an update or a schedule).
Here a person, on the staff page (views.waiting):

- says "this is <child>": the message's PID-3 identifiers (as adt.identifiers builds them) are
  attached to that child, then the message is applied again through events.services.reprocess —
  refused, nothing changed, when an identifier already names another child (a merge, not a match);
- registers a new child from an A08/A31 (the only messages with full demographics), through
  patients.upsert_patient, the one way a patient becomes a child, then applies it again;
- sets it aside with a reason code from a fixed list (never free text: no PHI in `error`).

Whenever a patient arrives by another path (ADT A04/A28, a FHIR bulk import, a CSV panel),
`replay_waiting` applies again the waiting messages that now find a child: oldest first, bounded,
one query when nothing waits. Every action is one transaction and audited (ids and codes only).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

import hl7
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.events import parsing
from medhome.events.models import InboundMessage, MessageFormat, MessageStatus, Sender
from medhome.events.parsing import Malformed
from medhome.events.services import reprocess
from medhome.families.models import Child, ChildIdentifier
from medhome.practices.models import Practice

from . import adt
from .patients import (
    Identifiers,
    attach_identifiers,
    find_child,
    find_children,
    upsert_patient,
)

logger = logging.getLogger(__name__)

MESSAGE_OBJECT = "inbound_message"
REPLAY_LIMIT = 500  # messages looked at per replay, oldest first: a bounded cost per arrival
FULL_DEMOGRAPHICS = ("A08", "A31")  # adt.UPDATES: enough demographics to register a child

# What the message asks, in words; the trigger is MSH-9.2 (InboundMessage.message_type).
MESSAGE_TYPES = {
    "A08": gettext_lazy("Patient update (ADT A08)"),
    "A31": gettext_lazy("Person update (ADT A31)"),
    "A40": gettext_lazy("Records merged (ADT A40)"),
    "S12": gettext_lazy("Appointment booked (SIU S12)"),
    "S13": gettext_lazy("Appointment moved (SIU S13)"),
    "S14": gettext_lazy("Appointment changed (SIU S14)"),
    "S15": gettext_lazy("Appointment cancelled (SIU S15)"),
    "S26": gettext_lazy("Did not come (SIU S26)"),
}
# Why a person sets a message aside: codes stored in InboundMessage.error, labels shown.
SET_ASIDE_REASONS = {
    "not_our_patient": gettext_lazy("Not a patient of this practice"),
    "test_message": gettext_lazy("A test message"),
    "duplicate": gettext_lazy("A duplicate of another message"),
}


def message_type_label(message: InboundMessage) -> str:
    label = MESSAGE_TYPES.get(message.message_type)
    if label is None:
        return _("Message (%(type)s)") % {"type": message.message_type or "?"}
    return str(label)


@dataclass(frozen=True)
class Identity:
    """Who the message is about, read from its PID (shown to staff, never logged)."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    mrn: str = ""
    identifiers: Identifiers = ()
    readable: bool = False


def _parse(message: InboundMessage) -> hl7.Message:
    parsed, _key = parsing.parse_hl7(message.raw)
    return parsed


def identity_of(message: InboundMessage) -> Identity:
    """The incoming identity (PID-3, -5, -7) with the feed's own parsing; an unreadable one
    is shown as such."""
    try:
        parsed = _parse(message)
        ids, mrn = adt.pid_identifiers(parsed)
    except Malformed:
        return Identity()
    try:
        data = adt.patient_data(parsed)
    except Malformed:  # no birth date: the identifiers still say who
        return Identity(mrn=mrn, identifiers=ids, readable=True)
    return Identity(
        given_name=data.legal_given_name,
        family_name=data.legal_family_name,
        date_of_birth=data.date_of_birth,
        mrn=mrn,
        identifiers=ids,
        readable=True,
    )


def _keys(message: InboundMessage) -> list[tuple[Identifiers, str]]:
    """The (identifiers, MRN) a message may find a child by: PID-3, and an A40's MRG-1 (the
    merge applies when either record is known)."""
    try:
        parsed = _parse(message)
        keys = [adt.pid_identifiers(parsed)]
        if message.message_type == "A40":
            retired = adt.identifiers(parsed, "MRG", 1)
            if retired[0]:
                keys.append(retired)
    except Malformed:
        return []
    return keys


def _waiting(practice: Practice):
    return InboundMessage.objects.for_practice(practice).filter(
        sender=Sender.EHR, status=MessageStatus.UNMATCHED, format=MessageFormat.HL7V2
    )


def replay_waiting(practice: Practice, at: datetime, *, limit: int = REPLAY_LIMIT) -> int:
    """Apply again the practice's waiting EHR messages that now find a child (oldest first,
    at most `limit` looked at); how many were applied. One query when nothing waits."""
    waiting = list(_waiting(practice).order_by("received_at")[:limit])
    if not waiting:
        return 0
    keyed = [(message, key) for message in waiting for key in _keys(message)]
    found = find_children(practice, [key for _message, key in keyed])
    ready = list(
        {
            message.pk: message
            for (message, _key), child in zip(keyed, found, strict=True)
            if child
        }.values()
    )
    applied = 0
    for message in ready:
        message.practice = practice  # the handlers read it: no query per message
        reprocess(message=message, at=at)
        if message.status != MessageStatus.UNMATCHED:
            applied += 1
            logger.info("waiting feed message %s applied again: %s", message.pk, message.status)
    return applied


def _require(actor: Actor, message: InboundMessage) -> None:
    if not actor.can(Capability.FAMILY_EDIT) or actor.practice_id != message.practice_id:
        raise PermissionDenied(_("You cannot handle this practice's messages."))
    if message.sender != Sender.EHR:
        raise PermissionDenied(_("You cannot handle this practice's messages."))


def _locked(actor: Actor, message: InboundMessage) -> InboundMessage:
    """The message, locked for this transaction, still waiting; ValidationError otherwise."""
    _require(actor, message)
    practice = message.practice
    message = InboundMessage.objects.select_for_update().get(pk=message.pk)
    message.practice = practice
    if message.status != MessageStatus.UNMATCHED:
        raise ValidationError(_("This message is no longer waiting for a child."))
    return message


def _apply_again(message: InboundMessage, at: datetime) -> None:
    """Reprocess the message; refused (or still without a child): ValidationError, so the
    caller's transaction keeps nothing of it."""
    reprocess(message=message, at=at)
    if message.status == MessageStatus.ERROR:
        raise ValidationError(
            _("The message could not be applied: %(reason)s") % {"reason": message.error}
        )
    if message.status == MessageStatus.UNMATCHED:
        raise ValidationError(_("The message still finds no child: nothing was changed."))


def _audit(actor: Actor, message: InboundMessage, at: datetime, **detail: object) -> None:
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type=MESSAGE_OBJECT,
        object_id=message.pk,
        at=at,
        practice=message.practice,
        detail={"message_type": message.message_type, **detail},
    )


@transaction.atomic
def match_message(
    *, actor: Actor, message: InboundMessage, child: Child, at: datetime
) -> InboundMessage:
    """ "This is <child>": the message's identifiers go to the child, the message is applied
    again, and so is every other waiting message that now finds a child."""
    message = _locked(actor, message)
    if child.practice_id != message.practice_id:
        raise ValidationError(_("The child belongs to another practice."))
    try:
        ids, mrn = adt.pid_identifiers(_parse(message))
    except Malformed:
        raise ValidationError(_("The message's patient identifiers cannot be read.")) from None
    known = {
        (system, value): child_id
        for system, value, child_id in ChildIdentifier.objects.for_practice(message.practice)
        .filter(value__in={value for _system, value in ids})
        .values_list("system", "value", "child_id")
    }
    taken = any(known.get(pair, child.pk) != child.pk for pair in ids)
    taken = taken or (
        bool(mrn)
        and Child.objects.for_practice(message.practice)
        .filter(mrn=mrn)
        .exclude(pk=child.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            _(
                "An identifier of this message already belongs to another child: if they are "
                "the same child, merge the two records instead."
            )
        )
    attach_identifiers(
        child=child, identifiers=ids, actor=actor, at=at, detail={"from": str(message.pk)}
    )
    _audit(actor, message, at, matched_to=str(child.pk))
    _apply_again(message, at)
    replay_waiting(message.practice, at)
    return message


@transaction.atomic
def register_from_message(*, actor: Actor, message: InboundMessage, at: datetime) -> Child:
    """A new child from an A08/A31's demographics (patients.upsert_patient), the message
    applied again, and the others that now find a child. ValidationError, nothing written,
    when medhome refuses the patient."""
    message = _locked(actor, message)
    if message.message_type not in FULL_DEMOGRAPHICS:
        raise ValidationError(
            _("Only a patient update (ADT A08 or A31) carries enough to register a child.")
        )
    try:
        data = adt.patient_data(_parse(message))
    except Malformed as unreadable:
        raise ValidationError(
            _("The message's patient cannot be read: %(reason)s") % {"reason": unreadable.text}
        ) from None
    if find_child(message.practice, data.identifiers, data.mrn) is not None:
        raise ValidationError(_("A child of this practice already has this message's identifiers."))
    try:
        child, _outcome = upsert_patient(practice=message.practice, data=data, actor=actor, at=at)
    except ValidationError as refused:
        raise ValidationError(
            _("medhome cannot register this patient: %(reasons)s") % {"reasons": reasons(refused)}
        ) from None
    _audit(actor, message, at, registered=str(child.pk))
    _apply_again(message, at)
    replay_waiting(message.practice, at)
    return child


@transaction.atomic
def set_aside(*, actor: Actor, message: InboundMessage, reason: str, at: datetime) -> None:
    """The message leaves the queue with a reason code (never free text)."""
    if reason not in SET_ASIDE_REASONS:
        raise ValidationError(_("Choose why the message is set aside."))
    message = _locked(actor, message)
    message.status = MessageStatus.SET_ASIDE
    message.error = reason
    message.save(update_fields=["status", "error"])
    _audit(actor, message, at, status=MessageStatus.SET_ASIDE, reason=reason)


def reasons(error: ValidationError) -> str:
    """A refusal's reasons with the field's name in the reader's words, never the values."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, errors in error.error_dict.items():
        try:
            label = str(getattr(Child._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            label = name
        parts.append(f"{label}: {' '.join(m for e in errors for m in e.messages)}")
    return " ".join(parts)
