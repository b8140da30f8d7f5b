"""The local gateway: an HTTP server on the loopback address that behaves like the provider.

POST /messages (To, Body, IdempotencyKey, StatusCallback, InboundUrl) answers {"sid": …} at
once; a key seen before answers the same sid and sends nothing again. A moment later it posts
the delivery receipt to StatusCallback as Twilio does (MessageSid, MessageStatus, ErrorCode),
signed with the webhook token; a number in special.BOUNCES is reported undelivered (30003) and
one in special.REPLIES_STOP is delivered, then "texts back" STOP to InboundUrl. GET /messages
lists what it accepted, once per key, and how many sends repeated a key (for the benchmark);
GET / shows them as the families' phones, links clickable (for the demo). It keeps everything
in memory.
"""

import html
import json
import logging
import re
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .signatures import signature
from .special import BOUNCES, OPTED_OUT_AT_PROVIDER, REPLIES_STOP

log = logging.getLogger(__name__)


class State:
    def __init__(self, token: str, delay: float) -> None:
        self.token, self.delay = token, delay
        self.lock = threading.Lock()
        self.by_key: dict[str, str] = {}
        self.accepted: list[dict[str, str]] = []
        # Sends answered from by_key (a sender retrying a key it may not have recorded): what
        # the kill drill (bench/messaging_send.py --kill) counts against the distinct keys.
        self.repeats = 0


def _post(url: str, params: dict[str, str], token: str) -> None:
    if not url.startswith(("http://", "https://")):
        return
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) URL from settings
        url, data=data, headers={"X-Twilio-Signature": signature(url, params.items(), token)}
    )
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - loopback, configured
            pass
    except OSError as failed:
        log.warning("local gateway: callback failed (%s)", type(failed).__name__)


def _after(state: State, sid: str, to: str, callback: str, inbound: str) -> None:
    time.sleep(state.delay)
    if to in BOUNCES:
        _post(
            callback,
            {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"},
            state.token,
        )
        return
    _post(callback, {"MessageSid": sid, "MessageStatus": "delivered"}, state.token)
    if to in REPLIES_STOP:
        _post(inbound, {"MessageSid": f"IN{sid[2:]}", "From": to, "Body": "STOP"}, state.token)


LINK = re.compile(r"(https?://[^\s]+)")


def phones_page(accepted: list[dict[str, str]]) -> str:
    """The families' phones for the demo: each number's texts, newest first, their links
    clickable — what a tester opens to answer a pre-visit link as the family would."""
    by_number: dict[str, list[str]] = {}
    for text in reversed(accepted):
        by_number.setdefault(text["to"], []).append(text["body"])
    items = "".join(
        f"<section><h2>{html.escape(number)}</h2>"
        + "".join(
            "<p>" + LINK.sub(r'<a href="\1">\1</a>', html.escape(body)) + "</p>" for body in bodies
        )
        + "</section>"
        for number, bodies in by_number.items()
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width">'
        "<title>Local SMS gateway: the families' phones</title>"
        "<style>body{font-family:sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}"
        "p{background:#eef;border-radius:1rem;padding:.6rem .9rem;overflow-wrap:anywhere}"
        "</style></head><body><h1>The families' phones (synthetic, demo only)</h1>"
        f"{items or '<p>No text yet.</p>'}</body></html>"
    )


def handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # no numbers or texts in logs
            pass

        def _page(self, page: str) -> None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, status: int, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path.split("?")[0] in ("", "/"):
                with state.lock:
                    return self._page(phones_page(list(state.accepted)))
            if self.path.rstrip("/") != "/messages":
                return self._answer(404, {"code": "not_found"})
            with state.lock:
                return self._answer(
                    200, {"messages": list(state.accepted), "repeats": state.repeats}
                )

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/messages":
                return self._answer(404, {"code": "not_found"})
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            to, key = form.get("To", ""), form.get("IdempotencyKey", "")
            if not to.startswith("+") or not form.get("Body"):
                return self._answer(400, {"code": "21211"})
            if to in OPTED_OUT_AT_PROVIDER:
                return self._answer(400, {"code": "21610"})
            with state.lock:
                if key and key in state.by_key:
                    state.repeats += 1
                    return self._answer(200, {"sid": state.by_key[key], "duplicate": True})
                sid = f"SM{len(state.accepted) + 1:032d}"
                if key:
                    state.by_key[key] = sid
                state.accepted.append({"sid": sid, "to": to, "body": form["Body"], "key": key})
            self._answer(201, {"sid": sid})
            threading.Thread(
                target=_after,
                args=(state, sid, to, form.get("StatusCallback", ""), form.get("InboundUrl", "")),
                daemon=True,
            ).start()
            return None

    return Handler


def serve(
    port: int, *, token: str, delay: float = 0.5, host: str = "127.0.0.1"
) -> ThreadingHTTPServer:
    """A server bound to the loopback address (call serve_forever, or shutdown)."""
    return ThreadingHTTPServer((host, port), handler(State(token, delay)))
