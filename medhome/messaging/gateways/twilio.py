"""Twilio's Messages API: a form POST with HTTP basic auth (account SID and auth token), the
status of each message later posted to StatusCallback, signed (signatures.py).

Twilio keeps no idempotency key on message creation: a sender killed after Twilio accepted a
text and before medhome recorded it cannot ask Twilio whether it went. The claim lease makes
that window the sent messages not yet recorded (sending records them 20 at a time) and the one in
flight; docs/architecture.md "Reaching families" says so.
"""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from . import GatewayError, OutgoingText

API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
# Twilio error codes that mean "do not try this number again".
NOT_A_MOBILE = {"21211", "21612", "21614", "30006"}
UNSUBSCRIBED = "21610"


class TwilioGateway:
    def __init__(
        self,
        *,
        account_sid: str = "",
        auth_token: str = "",
        from_number: str = "",
        messaging_service_sid: str = "",
        timeout: float = 10,
        **_: Any,
    ) -> None:
        self.account_sid, self.auth_token = account_sid, auth_token
        self.from_number, self.messaging_service_sid = from_number, messaging_service_sid
        self.timeout = timeout

    def send(self, text: OutgoingText) -> str:
        if not (
            self.account_sid
            and self.auth_token
            and (self.from_number or self.messaging_service_sid)
        ):
            raise GatewayError("not_configured", permanent=True)
        form = {"To": text.to, "Body": text.body, "StatusCallback": text.status_callback}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.from_number
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - http(s) URL from settings
            API.format(sid=urllib.parse.quote(self.account_sid)),
            data=urllib.parse.urlencode(form).encode(),
            headers={"Authorization": f"Basic {credentials}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return str(json.load(answer)["sid"])
        except urllib.error.HTTPError as refused:
            code = _code(refused)
            if code == UNSUBSCRIBED:
                raise GatewayError(code, permanent=True, opted_out=True) from None
            permanent = code in NOT_A_MOBILE or (400 <= refused.code < 500 and refused.code != 429)
            raise GatewayError(code, permanent=permanent) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError):
            raise GatewayError("unreachable") from None


def _code(refused: urllib.error.HTTPError) -> str:
    try:
        return str(json.load(refused)["code"])
    except (ValueError, KeyError, TypeError):
        return str(refused.code)
