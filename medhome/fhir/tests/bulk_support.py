"""What the Bulk Data export tests share: a backend client's token, the kick-off, the worker's
sweep and the download of a finished export."""

from typing import Any

import orjson
from django.test import Client

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.fhir import export
from tests.fhir_support import bearer, issue_token

EXPORT_HEADERS = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}
READER = (Capability.CHART_READ, Capability.SCREENING_RESULTS)


def backend_token(practice: Any, scope: str = "system/*.rs", **kwargs: Any) -> str:
    kwargs.setdefault("capabilities", READER)
    return issue_token(scope=scope, practice=practice, **kwargs)


def kick_off(client: Client, token: str, url: str = "/fhir/Patient/$export", **headers: Any):
    return client.get(url, **{**EXPORT_HEADERS, **bearer(token), **headers})


def status_path(response: Any) -> str:
    location = response["Content-Location"]
    assert location.startswith("http://testserver/fhir/$export-status/")
    return location.removeprefix("http://testserver")


def run_worker() -> int:
    return export.run_pending(now=clock.now())


def download(client: Client, token: str, manifest: dict[str, Any]) -> dict[str, list[dict]]:
    """Every output file's resources, by type (a type's files concatenated)."""
    found: dict[str, list[dict]] = {}
    for entry in manifest["output"]:
        response = client.get(entry["url"].removeprefix("http://testserver"), **bearer(token))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/fhir+ndjson"
        body = b"".join(response.streaming_content)
        lines = [orjson.loads(line) for line in body.splitlines()]
        assert len(lines) == entry["count"]
        found.setdefault(entry["type"], []).extend(lines)
    return found


def export_all(client: Client, token: str, url: str = "/fhir/Patient/$export") -> dict[str, Any]:
    """Kick off, run the worker, read the manifest."""
    response = kick_off(client, token, url)
    assert response.status_code == 202, response.content
    path = status_path(response)
    run_worker()
    done = client.get(path, **bearer(token))
    assert done.status_code == 200, done.content
    return orjson.loads(done.content)
