"""The gateway of the tests: keeps what it was given in memory, like Django's locmem e-mail.

It de-duplicates by idempotency key as the local gateway does, and acts out the provider's
special numbers (gateways.special) so the fallback and opt-out paths can be tested.
"""

from dataclasses import dataclass
from typing import Any

from . import GatewayError, OutgoingText
from .special import BOUNCES, OPTED_OUT_AT_PROVIDER

# Every text accepted, in order (one per key): the tests read and clear it.
outbox: list["Accepted"] = []
_by_key: dict[str, "Accepted"] = {}


@dataclass(frozen=True)
class Accepted:
    sid: str
    text: OutgoingText


def reset() -> None:
    outbox.clear()
    _by_key.clear()


class LocmemGateway:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, text: OutgoingText) -> str:
        if text.key in _by_key:
            return _by_key[text.key].sid
        if text.to in OPTED_OUT_AT_PROVIDER:
            raise GatewayError("21610", permanent=True, opted_out=True)
        if text.to in BOUNCES:
            raise GatewayError("21614", permanent=True)
        accepted = Accepted(f"LM{len(_by_key) + 1:08d}", text)
        _by_key[text.key] = accepted
        outbox.append(accepted)
        return accepted.sid
