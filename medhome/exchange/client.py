"""HTTP to a partner's FHIR server, only ever under its configured base URL.

shared/docs/security.md (SSRF): medhome never fetches a URL a partner supplied — a Task's
absolute reference, a `Location` header, a bundle's `fullUrl` or `next` link — unless it lies
under the endpoint's own base URL (same scheme, host, port and path prefix). Redirects are not
followed, and the partner's host must resolve to public addresses only (not loopback, private,
link-local such as a cloud metadata service, or reserved), unless the deployment names the
private network a partner sits in (MEDHOME_EXCHANGE_PRIVATE_NETWORKS, e.g. a VPN). The name is
checked before the request (a clear refusal), and the address the connection actually reached is
checked again before a byte of the request is sent: a DNS answer that changes between the two
(rebinding) cannot reach a private address. No proxy or .netrc from the environment is used, so
the connected address is the partner's own. The bearer
token is read from settings/env by name at the moment of the request and never logged or
stored on a row.
"""

import ipaddress
import os
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .models import PartnerEndpoint

FHIR_JSON = "application/fhir+json"


class ExchangeError(Exception):
    """A request to a partner failed; the message is machine text without PHI."""


class RefusedUrl(ExchangeError):
    """A URL outside the endpoint's base URL (SSRF rule)."""


def exchange_settings() -> dict[str, Any]:
    return {
        "timeout": 10,
        "poll_every_minutes": 15,
        "secrets": {},
        "private_networks": [],
        **getattr(settings, "MEDHOME_EXCHANGE", {}),
    }


def address_allowed(address: str) -> bool:
    """A partner may be reached at a public address, in a network the deployment names, or on
    loopback in a local (demo, test) environment."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.is_global and not ip.is_multicast:
        return True
    if settings.IS_LOCAL and ip.is_loopback:
        return True
    return any(
        ip in ipaddress.ip_network(network, strict=False)
        for network in exchange_settings()["private_networks"]
    )


def check_host(hostname: str, port: int | None) -> None:
    """RefusedUrl unless every address the host resolves to is allowed (address_allowed)."""
    try:
        found = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ExchangeError("the partner's host name does not resolve") from None
    if not found or not all(address_allowed(str(info[4][0])) for info in found):
        raise RefusedUrl("refused: the partner's address is on a private network")


class _CheckedConnection:
    """A connection that refuses a peer address_allowed refuses, once connected and before the
    request (or TLS's handshake) is sent."""

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if not address_allowed(str(sock.getpeername()[0])):
            sock.close()
            raise RefusedUrl("refused: the partner's address is on a private network")
        return sock


class _CheckedHTTPConnection(_CheckedConnection, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnection, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    adapter = _CheckedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def secret(name: str) -> str:
    """A secret by name: settings.MEDHOME_EXCHANGE["secrets"], else the environment."""
    if not name:
        return ""
    return str(exchange_settings()["secrets"].get(name) or os.environ.get(name, ""))


def _base(endpoint: PartnerEndpoint) -> str:
    return endpoint.base_url.rstrip("/") + "/"


def url_under_base(endpoint: PartnerEndpoint, url: str) -> str:
    """`url` (absolute, or relative to the base) if it lies under the base URL, else
    RefusedUrl."""
    base = _base(endpoint)
    target = url if "://" in url else base + url.lstrip("/")
    b, t = urlsplit(base), urlsplit(target)
    if (
        t.scheme != b.scheme
        or t.hostname != b.hostname
        or t.port != b.port
        or t.username
        or t.password
        or not (t.path + "/").startswith(b.path)
        or "/../" in t.path + "/"
    ):
        raise RefusedUrl("refused: URL outside the partner's configured base URL")
    return target


def request(
    endpoint: PartnerEndpoint,
    method: str,
    url: str,
    *,
    body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One FHIR interaction; the JSON answer. ExchangeError on a transport error, a non-2xx
    answer or a non-JSON body."""
    target = url_under_base(endpoint, url)
    parts = urlsplit(target)
    check_host(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    headers = {"Accept": FHIR_JSON}
    token = secret(endpoint.token_env)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        headers["Content-Type"] = FHIR_JSON
    try:
        with _session() as session:
            response = session.request(
                method,
                target,
                json=body,
                params=params,
                headers=headers,
                timeout=exchange_settings()["timeout"],
                allow_redirects=False,
            )
    except requests.RequestException as error:
        raise ExchangeError(f"{method} {type(error).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise ExchangeError(f"{method} answered {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise ExchangeError(f"{method} answered no JSON") from None
    if not isinstance(answer, dict):
        raise ExchangeError(f"{method} answered no FHIR resource")
    return answer


def search(endpoint: PartnerEndpoint, resource_type: str, **params: str) -> list[dict[str, Any]]:
    """The matching resources of one search page (`entry[].resource` of that type)."""
    bundle = request(endpoint, "GET", resource_type, params=params)
    if bundle.get("resourceType") != "Bundle":
        raise ExchangeError("search answered no Bundle")
    return [
        entry["resource"]
        for entry in bundle.get("entry") or []
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == resource_type
    ]
