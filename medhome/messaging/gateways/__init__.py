"""One interface to whatever carries a text, chosen by MEDHOME_SMS_BACKEND like EMAIL_BACKEND:
`locmem.LocmemGateway` (tests), `local.LocalGateway` (the loopback gateway of
`manage.py run_sms_gateway`, for the demo), `twilio.TwilioGateway` (Twilio's Messages API).

A gateway's `send` returns the provider's message id or raises GatewayError with the
provider's code; the idempotency key goes with every send so a retry after a crash between
the send and its record is recognised (by the local gateway and the locmem one; see each).
No gateway ever calls anything but its configured address.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class GatewayError(Exception):
    """`code` is the provider's code (or medhome's); `permanent` errors are not retried;
    `opted_out` means the provider refuses the number because it replied STOP."""

    def __init__(self, code: str, *, permanent: bool = False, opted_out: bool = False) -> None:
        super().__init__(code)
        self.code, self.permanent, self.opted_out = code, permanent, opted_out


@dataclass(frozen=True)
class OutgoingText:
    to: str  # E.164
    body: str
    key: str  # the message's idempotency key (no PHI: ids only)
    status_callback: str  # the absolute URL of medhome's delivery-receipt webhook
    inbound_url: str = ""  # the local gateway answers STOP numbers here


class SmsGateway(Protocol):
    def send(self, text: OutgoingText) -> str: ...


def get_sms_gateway() -> SmsGateway:
    backend = import_string(settings.MEDHOME_SMS_BACKEND)
    options: dict[str, Any] = getattr(settings, "MEDHOME_SMS_OPTIONS", {})
    return backend(**options)  # type: ignore[no-any-return,unused-ignore]
