"""What the services share: who a sweep acts as, the channel a caregiver can be reached on."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import AvailabilityWindow, Caregiver
from medhome.families.vocabulary import Channel
from medhome.portal.links import ISSUER
from medhome.portal.models import Purpose
from medhome.practices.models import Practice

from ..models import ContactConsent, MessageChannel, OptOut
from ..rules import Span, setting

MESSAGE_OBJECT = "messaging.message"
SYSTEM_ROLE = "messaging"
# The family link's token in a stored body: the token is shown to the family once and never
# kept (portal.links); the mask has the token's length, so the segment count is the real one.
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)
TOKEN_MASK = "x" * TOKEN_LENGTH


def system_actor(practice: Practice) -> Actor:
    """The sweeps act as medhome itself; they may issue a pre-visit link (screening's own checks
    still decide which screeners, if any, it carries)."""
    return Actor(
        user=None,
        practice=practice,
        role=SYSTEM_ROLE,
        capabilities=frozenset({Capability.SCREENING_SEND}),
    )


def link_actor(practice: Practice, purpose: str) -> Actor:
    """medhome itself issuing one purpose's family link for a message it sends: the one
    capability portal.links asks of whoever issues that purpose's links, nothing more."""
    return Actor(
        user=None,
        practice=practice,
        role=SYSTEM_ROLE,
        capabilities=frozenset({ISSUER[Purpose(purpose)]}),
    )


def absolute(path: str) -> str:
    return str(setting("public_url")).rstrip("/") + path


def status_callback_url() -> str:
    return absolute(reverse("messaging:sms_status"))


def inbound_url(practice_id: object) -> str:
    return absolute(reverse("messaging:sms_inbound") + f"?practice={practice_id}")


@dataclass(frozen=True)
class Reach:
    channel: str
    address: str


def latest_consents(caregiver_ids: Iterable[object]) -> dict[tuple[object, str], bool]:
    """(caregiver id, channel) → the decision in force (the latest row). One query."""
    found: dict[tuple[object, str], bool] = {}
    rows = (
        ContactConsent.objects.filter(caregiver_id__in=list(caregiver_ids))
        .order_by("recorded_at", "pk")
        .values_list("caregiver_id", "channel", "granted")
    )
    for caregiver_id, channel, granted in rows:
        found[(caregiver_id, channel)] = granted
    return found


def opted_out_numbers(practice: Practice, numbers: Iterable[str]) -> set[str]:
    return set(
        OptOut.objects.filter(practice=practice, active=True, phone__in=list(numbers)).values_list(
            "phone", flat=True
        )
    )


def channel_order(caregiver: Caregiver) -> list[str]:
    """The channels to try, in the caregiver's order: the one they named first, then the other
    electronic one. A call, print or in-person preference is not sent automatically (the call
    and mail lists are staff's), but a text or email they agreed to is still tried."""
    first = [caregiver.preferred_channel] if caregiver.preferred_channel in MessageChannel else []
    return list(dict.fromkeys([*first, MessageChannel.TEXT, MessageChannel.EMAIL]))


def phone_text(caregiver: Caregiver) -> str:
    """The caregiver's number as text ("" when none). The phone field validates the number
    each time it is turned into text or tested for truth: a sweep over thousands of families
    calls this once per caregiver and passes the text on."""
    phone = caregiver.phone
    if phone is None or isinstance(phone, str):
        return phone or ""
    return str(phone)


def address_of(caregiver: Caregiver, channel: str, phone: str | None = None) -> str:
    if channel == MessageChannel.TEXT:
        return phone_text(caregiver) if phone is None else phone
    return caregiver.email or ""


def reach(
    caregiver: Caregiver,
    *,
    consents: dict[tuple[object, str], bool],
    opted_out: set[str],
    skip: Iterable[str] = (),
    phone: str | None = None,
) -> Reach | None:
    """The first channel that can carry a message now: an address, consent in force, and for a
    text a number that has not replied STOP to the practice. `phone`: phone_text, if known."""
    skipped = set(skip)
    for channel in channel_order(caregiver):
        address = address_of(caregiver, channel, phone)
        if channel in skipped or not address or not consents.get((caregiver.pk, channel)):
            continue
        if channel == MessageChannel.TEXT and address in opted_out:
            continue
        return Reach(channel, address)
    return None


def named_electronic_channel(caregiver: Caregiver) -> bool:
    """They asked to be reached by text or email: when that fails, someone must find out how."""
    return caregiver.preferred_channel in (Channel.TEXT, Channel.EMAIL)


def spans_of(windows: Iterable[AvailabilityWindow]) -> list[Span]:
    return [Span(w.weekday, w.starts_at, w.ends_at) for w in windows]


def masked(body: str, token: str) -> str:
    return body.replace(token, TOKEN_MASK) if token else body
