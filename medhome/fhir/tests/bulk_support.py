"""What the Bulk Data export tests share: a backend client's token (minted, or got through the
real Backend Services flow), the kick-off, the worker's sweep and the download of a finished
export."""

import json
import time
import uuid
from typing import Any

import jwt
import orjson
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.fhir import export
from medhome.smart.models import ClientKind
from medhome.smart.services import register_client
from tests.fhir_support import bearer, issue_token

EXPORT_HEADERS = {"HTTP_PREFER": "respond-async", "HTTP_ACCEPT": "application/fhir+json"}
READER = (Capability.CHART_READ, Capability.SCREENING_RESULTS)


def backend_token(practice: Any, scope: str = "system/*.rs", **kwargs: Any) -> str:
    kwargs.setdefault("capabilities", READER)
    return issue_token(scope=scope, practice=practice, **kwargs)


def backend_services_token(
    client: Client,
    admin: Actor,
    scope: str = "system/*.rs",
    *,
    host: str = "testserver",
    capabilities: tuple[str, ...] = READER,
) -> str:
    """The SMART Backend Services flow end to end, as a health plan's service runs it
    (https://hl7.org/fhir/smart-app-launch/backend-services.html): make an RSA key, register the
    client with its public JWKS as the apps page does (smart.services.register_client), sign a
    client assertion RS384 and POST client_credentials to /oauth/token."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": "k1"}
    registered = register_client(
        admin,
        name="Health plan export",
        kind=ClientKind.BACKEND,
        allowed_scopes=scope,
        jwks={"keys": [{**jwk, "alg": "RS384"}]},
        capabilities=capabilities,
    )
    client_id = registered.client.application.client_id
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": f"http://{host}/oauth/token",
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
    }
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "scope": scope,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": jwt.encode(claims, key, algorithm="RS384", headers={"kid": "k1"}),
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == scope
    return str(body["access_token"])


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
