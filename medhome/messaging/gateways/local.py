"""The client of the local gateway (`manage.py run_sms_gateway`): a provider on the loopback
address for the demo. It is sent the idempotency key and answers a repeated key with the
message id it gave the first time, so a sender killed between the send and its record, then
restarted, does not text the family twice."""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from . import GatewayError, OutgoingText


class LocalGateway:
    def __init__(self, *, url: str = "http://127.0.0.1:8025", timeout: float = 5, **_: Any):
        if not url.startswith(("http://", "https://")):
            raise ValueError("the local gateway's url must be http(s)")
        self.url = url.rstrip("/")
        self.timeout = timeout

    def send(self, text: OutgoingText) -> str:
        data = urllib.parse.urlencode(
            {
                "To": text.to,
                "Body": text.body,
                "IdempotencyKey": text.key,
                "StatusCallback": text.status_callback,
                "InboundUrl": text.inbound_url,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s) URL from settings
            f"{self.url}/messages", data=data, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return str(json.load(answer)["sid"])
        except urllib.error.HTTPError as refused:
            code = _code(refused)
            raise GatewayError(code, permanent=400 <= refused.code < 500) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError):
            raise GatewayError("unreachable") from None


def _code(refused: urllib.error.HTTPError) -> str:
    try:
        return str(json.load(refused)["code"])
    except (ValueError, KeyError, TypeError):
        return str(refused.code)
