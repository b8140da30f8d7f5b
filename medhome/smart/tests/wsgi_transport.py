"""A requests transport adapter that hands each HTTP request to Django's WSGI application in
this process: the client libraries (requests-oauthlib, fhirclient, requests) speak real HTTP
semantics (headers, cookies, redirects, CSRF enforced as in production) inside the test's
transaction. pytest-django's live_server cannot be used here: it empties the database between
tests, and the audit trail's triggers forbid deleting its rows (tests/e2e/conftest.py)."""

import http.client
import io
import sys
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

BASE = "http://testserver"


class _Raw:
    def __init__(self, headers: list[tuple[str, str]]):
        self._original_response = self
        self.msg = http.client.HTTPMessage()
        for name, value in headers:
            self.msg[name] = value

    def close(self) -> None:
        pass

    def release_conn(self) -> None:
        pass


class WsgiAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.handler = WSGIHandler()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "PATH_INFO": unquote(url.path),
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname,
            "SERVER_PORT": str(url.port or 80),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": url.netloc,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ[key] = value
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list, exc_info: Any = None) -> None:
            started["status"], started["headers"] = status, headers

        # As Django's test client does: a request's start and end must not close the database
        # connection that holds the test's transaction (PostgreSQL would lose it mid-test).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.handler(environ, start_response)
            try:
                content = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        response = requests.Response()
        response.status_code = int(started["status"].split(" ", 1)[0])
        response.reason = started["status"].split(" ", 1)[-1]
        response.headers = CaseInsensitiveDict(started["headers"])
        response._content = content
        response._content_consumed = True
        response.raw = _Raw(started["headers"])
        response.url = request.url or ""
        response.request = request
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        pass


def mount(session: requests.Session) -> requests.Session:
    session.mount(BASE, WsgiAdapter())
    return session
