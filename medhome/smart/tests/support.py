"""Helpers for the SMART flow tests: a registered app, PKCE, the consent form."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from medhome.accounts.roles import Role
from medhome.smart.models import ClientKind, SmartClient
from medhome.smart.services import register_client
from tests import factories

REDIRECT = "http://127.0.0.1:9999/callback"
LAUNCH_URL = "http://127.0.0.1:9999/launch"


@dataclass
class App:
    client: SmartClient
    secret: str

    @property
    def client_id(self) -> str:
        return self.client.application.client_id


def register_app(practice, admin, *, scopes: str = "", public: bool = False) -> App:
    actor = factories.actor_for(admin, practice, Role.PRACTICE_ADMIN)
    registered = register_client(
        actor,
        name="Growth viewer",
        kind=ClientKind.APP,
        allowed_scopes=scopes
        or "launch launch/patient openid fhirUser offline_access patient/*.rs user/Patient.rs",
        launch_url=LAUNCH_URL,
        redirect_uris=REDIRECT,
        public=public,
    )
    return App(registered.client, registered.client_secret)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
