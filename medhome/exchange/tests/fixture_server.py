"""A small second FHIR server for the tests: a community organization's server, run locally.

medhome-independent (standard library only): stores resources in memory, supports create
(POST), update (PUT), read (GET) of Task and ServiceRequest, and search by `_id` (comma = or) and
`identifier` (system|value). Bearer token checked; `down = True` answers 503 to everything.
Every request is kept in `requests` so a test can read exactly what medhome sent.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TYPES = ("Task", "ServiceRequest")


class FhirFixture:
    def __init__(self, token: str = "partner-token") -> None:  # noqa: S107  # a test value
        self.token = token
        self.store: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TYPES}
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        self.down = False
        self.lock = threading.Lock()
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: dict[str, Any] | None = None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fixture.requests.append((method, self.path, body))
                if fixture.down:
                    return self._answer(503)
                if self.headers.get("Authorization") != f"Bearer {fixture.token}":
                    return self._answer(401)
                parts = urlsplit(self.path)
                segments = [s for s in parts.path.split("/") if s][1:]  # drop "fhir"
                with fixture.lock:
                    status, answer = fixture.dispatch(method, segments, parts.query, body)
                self._answer(status, answer)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PUT(self) -> None:
                self._handle("PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/fhir"

    def start(self) -> "FhirFixture":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the server's behaviour ---------------------------------------------------------------

    def dispatch(
        self, method: str, segments: list[str], query: str, body: Any
    ) -> tuple[int, dict[str, Any] | None]:
        if not segments or segments[0] not in TYPES:
            return 404, None
        kind = segments[0]
        if method == "POST" and len(segments) == 1:
            return 201, self._save(kind, str(uuid.uuid4()), body)
        if method == "PUT" and len(segments) == 2:
            return 200, self._save(kind, segments[1], body)
        if method == "GET" and len(segments) == 2:
            found = self.store[kind].get(segments[1])
            return (200, found) if found else (404, None)
        if method == "GET" and len(segments) == 1:
            return 200, self._search(kind, parse_qs(query))
        return 405, None

    def _save(self, kind: str, resource_id: str, body: Any) -> dict[str, Any]:
        resource = dict(body or {})
        resource["id"] = resource_id
        previous = self.store[kind].get(resource_id)
        version = int(previous["meta"]["versionId"]) + 1 if previous else 1
        resource["meta"] = {**(resource.get("meta") or {}), "versionId": str(version)}
        self.store[kind][resource_id] = resource
        return resource

    def _search(self, kind: str, params: dict[str, list[str]]) -> dict[str, Any]:
        rows = list(self.store[kind].values())
        for value in params.get("_id", []):
            wanted = set(value.split(","))
            rows = [r for r in rows if r["id"] in wanted]
        for value in params.get("identifier", []):
            system, _bar, code = value.partition("|")
            rows = [
                r
                for r in rows
                if any(
                    i.get("system") == system and i.get("value") == code
                    for i in r.get("identifier", [])
                )
            ]
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(rows),
            "entry": [
                {"fullUrl": f"{self.base_url}/{kind}/{r['id']}", "resource": r} for r in rows
            ],
        }

    # --- what the organization does on its own server ----------------------------------------

    def only(self, kind: str) -> dict[str, Any]:
        (resource,) = self.store[kind].values()
        return resource

    def set_task(self, task_id: str, status: str, **fields: Any) -> None:
        with self.lock:
            task = dict(self.store["Task"][task_id])
            task["status"] = status
            task.update(fields)
            self._save("Task", task_id, task)

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _b in self.requests if m in ("POST", "PUT")]
