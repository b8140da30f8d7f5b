"""Twilio's webhook signature (X-Twilio-Signature), as Twilio documents it: the full URL the
request was sent to, followed by each POST parameter's name and value with the names sorted,
signed with HMAC-SHA1 under the account's auth token and encoded in base64. Compared in
constant time. The local gateway signs its receipts and replies the same way."""

import base64
import hashlib
import hmac
from collections.abc import Iterable


def signature(url: str, params: Iterable[tuple[str, str]], token: str) -> str:
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def is_valid(url: str, params: Iterable[tuple[str, str]], token: str, given: str | None) -> bool:
    if not token or not given:
        return False
    return hmac.compare_digest(signature(url, params, token), given)
