"""Who handles an HL7 v2 message on the feed, by sender and message type.

The feed (events) sits below the apps that understand a practice's own EHR (ehr), so it cannot
import them; they register here instead, from their AppConfig.ready():

    register(Sender.EHR, "ADT^A04", adt.register_patient)
    register(Sender.EHR, "SIU", siu.receive_schedule)      # every SIU trigger

`receive_hl7` stores the message, claims its idempotency key and answers AA exactly as before,
then asks `handler_for` here: a registered handler gets the parsed message; with none, today's
hospital ADT path runs (events between visits), whoever the sender.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import hl7

from .models import InboundMessage, MessageStatus


@dataclass(frozen=True)
class Received:
    """What a handler did with a message: MessageStatus.PROCESSED, or UNMATCHED when the patient
    is not known yet (stored, queued for matching, never dropped). To refuse a message a
    handler raises parsing.Malformed with medhome's words (no PHI): nothing it wrote is kept."""

    status: str = MessageStatus.PROCESSED


class Handler(Protocol):
    """Called with the stored message (its practice, sender and id), the python-hl7 parse of it
    and the time of receipt; runs in one transaction with the message's status update."""

    def __call__(
        self, *, message: InboundMessage, parsed: hl7.Message, at: datetime
    ) -> Received: ...


_HANDLERS: dict[tuple[str, str], Handler] = {}


def register(sender: str, trigger_prefix: str, handler: Handler) -> None:
    """Route messages from `sender` (events.models.Sender) whose MSH-9 "type^trigger" starts
    with `trigger_prefix` ("ADT^A40", or "SIU" for all its triggers) to `handler`. Registering
    the same pair again replaces it (ready() may run twice in tests)."""
    _HANDLERS[(sender, trigger_prefix.upper())] = handler


def handler_for(sender: str, message_type: str, trigger: str) -> Handler | None:
    """The handler for this sender and MSH-9, the longest matching prefix winning."""
    name = f"{message_type}^{trigger}".upper()
    best: tuple[int, Handler] | None = None
    for (registered_sender, prefix), handler in _HANDLERS.items():
        matches = registered_sender == sender and name.startswith(prefix)
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), handler)
    return best[1] if best else None
