"""Passkeys (WebAuthn) as staff's second factor, next to the authenticator app (issue 21).

The ceremonies run for real against allauth's pages: a software authenticator below (an EC P-256
key from `cryptography`, "none" attestation) answers the options the page hands its script, the
way a browser's navigator.credentials would, and fido2 on the server checks the challenge, the
origin, the relying party and the signature.
"""

import hashlib
import json
import re
import secrets
import struct
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse
from fido2 import cbor
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode

from medhome.accounts.roles import Role

from .factories import PASSWORD

pytestmark = pytest.mark.django_db

ORIGIN = "https://testserver"  # Django's test client's host; the relying party id follows it
ADD = "/accounts/2fa/webauthn/add/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


class SoftwareAuthenticator:
    """One credential on a pretend security key: what a browser's WebAuthn call would return."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        self.counter += 1
        rp_id_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_id_hash + bytes([flags]) + struct.pack(">I", self.counter) + attested

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin}).encode()

    def create(self, options: dict, origin: str = ORIGIN) -> dict:
        public_key = options["publicKey"]
        cose_key = ES256.from_cryptography_key(self.key.public_key())
        attested = (
            bytes(16)  # AAGUID: none, as "none" attestation allows
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + cbor.encode(cose_key)
        )
        auth_data = self._auth_data(
            public_key["rp"]["id"], FLAG_UP | FLAG_UV | FLAG_AT, attested
        )
        attestation = cbor.encode({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", public_key["challenge"], origin)
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(attestation),
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict, origin: str = ORIGIN, tamper: bool = False) -> dict:
        public_key = options["publicKey"]
        allowed = [websafe_decode(c["id"]) for c in public_key.get("allowCredentials", [])]
        assert self.credential_id in allowed  # the server asks for this user's keys only
        auth_data = self._auth_data(public_key["rpId"], FLAG_UP | FLAG_UV)
        client_data = self._client_data("webauthn.get", public_key["challenge"], origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        if tamper:
            auth_data = auth_data[:-1] + bytes([auth_data[-1] ^ 1])  # a counter not signed
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
            },
            "clientExtensionResults": {},
        }


def js_data(page) -> dict:
    """The options allauth hands its script, from the page's JSON data block."""
    body = page.content.decode()
    found = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', body, re.S)
    assert found, "the page carries no WebAuthn options"
    return json.loads(found.group(1))


def log_in_with_password(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def register(client: Client, key: SoftwareAuthenticator, origin: str = ORIGIN):
    options = js_data(client.get(ADD))["creation_options"]
    credential = key.create(options, origin)
    return client.post(ADD, {"name": "Desk key", "credential": json.dumps(credential)})


@pytest.fixture
def mfa_required(settings):
    settings.MEDHOME_REQUIRE_MFA = True


@pytest.fixture
def nurse_with_passkey(staff_a, practice_a):
    """A nurse whose only second factor is a passkey, registered through the ceremony."""
    user = staff_a[Role.NURSE]
    key = SoftwareAuthenticator()
    client = log_in_with_password(user)
    assert register(client, key).status_code == 302
    client.post(reverse("account_logout"))
    return user, key


def test_staff_register_a_passkey_after_logging_in_and_then_reach_records(
    mfa_required, staff_a, practice_a
):
    user = staff_a[Role.CARE_COORDINATOR]
    client = log_in_with_password(user)
    assert client.get(reverse("families:search"))["Location"] == "/accounts/2fa/"
    index = client.get("/accounts/2fa/").content.decode()
    assert ADD in index and "/accounts/2fa/totp/activate/" in index  # both, side by side

    added = register(client, SoftwareAuthenticator())

    # The first factor brings recovery codes, shown at once.
    assert (added.status_code, added["Location"]) == (302, "/accounts/2fa/recovery-codes/")
    passkey = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Desk key"
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    # The staff MFA rule counts the passkey: no authenticator app is needed.
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("practices:choose"))["Location"] == reverse("tasks:list")
    assert client.get(reverse("families:search")).status_code == 200


def test_signing_in_with_the_passkey_as_second_factor_reaches_today(
    mfa_required, nurse_with_passkey
):
    user, key = nurse_with_passkey
    client = log_in_with_password(user)
    assert client.get(reverse("families:search"))["Location"].startswith("/accounts/login/")
    page = client.get(AUTHENTICATE)
    assert page.status_code == 200
    assertion = key.get(js_data(page)["request_options"])

    signed_in = client.post(AUTHENTICATE, {"credential": json.dumps(assertion)}, follow=True)

    assert signed_in.status_code == 200
    assert signed_in.redirect_chain[-1][0] == reverse("screening:today")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_signature_is_refused(mfa_required, nurse_with_passkey):
    user, key = nurse_with_passkey
    client = log_in_with_password(user)
    assertion = key.get(js_data(client.get(AUTHENTICATE))["request_options"], tamper=True)

    refused = client.post(AUTHENTICATE, {"credential": json.dumps(assertion)})

    assert refused.status_code == 200  # the sign-in step again
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("families:search"))["Location"].startswith("/accounts/login/")


def test_an_assertion_made_for_another_site_is_refused(mfa_required, nurse_with_passkey):
    """Phishing resistance: a look-alike site relaying the challenge gets its own origin signed."""
    user, key = nurse_with_passkey
    client = log_in_with_password(user)
    options = js_data(client.get(AUTHENTICATE))["request_options"]
    assertion = key.get(options, origin="https://medhome-login.example")

    refused = client.post(AUTHENTICATE, {"credential": json.dumps(assertion)})

    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_passkey_made_for_another_site_is_not_registered(mfa_required, staff_a, practice_a):
    user = staff_a[Role.PEDIATRICIAN]
    client = log_in_with_password(user)

    refused = register(client, SoftwareAuthenticator(), origin="https://medhome-login.example")

    assert refused.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


def test_the_staff_rule_accepts_a_passkey_as_the_only_factor(
    mfa_required, log_in, staff_a, practice_a, nurse_with_passkey
):
    user, _key = nurse_with_passkey
    Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
    assert list(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == [
        Authenticator.Type.WEBAUTHN
    ]
    without = staff_a[Role.PEDIATRICIAN]

    assert log_in(user, practice_a).get(reverse("families:search")).status_code == 200
    assert log_in(without, practice_a).get(reverse("families:search"))["Location"] == (
        "/accounts/2fa/"
    )


def test_recovery_codes_alone_do_not_count_as_a_second_factor(
    mfa_required, log_in, staff_a, practice_a, nurse_with_passkey
):
    user, _key = nurse_with_passkey
    Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).delete()

    assert log_in(user, practice_a).get(reverse("families:search"))["Location"] == (
        "/accounts/2fa/"
    )


def test_a_passkey_cannot_be_added_without_reauthenticating(log_in, staff_a, practice_a):
    """Long after the login (here: a session with no login record) adding asks for the password."""
    user = staff_a[Role.NURSE]
    client = log_in(user, practice_a)
    key = SoftwareAuthenticator()
    ask = f"/accounts/reauthenticate/?next={quote(ADD, safe='')}"

    assert client.get(ADD)["Location"] == ask
    # Options from another session cannot be slipped in either: the post is turned away too.
    other = log_in_with_password(staff_a[Role.PEDIATRICIAN])
    credential = key.create(js_data(other.get(ADD))["creation_options"])
    posted = client.post(ADD, {"name": "Sneaked", "credential": json.dumps(credential)})

    assert posted["Location"] == ask
    assert not Authenticator.objects.filter(user=user).exists()

    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert register(client, key).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def test_the_relying_party_is_the_configured_domain(settings, staff_a, practice_a):
    settings.MEDHOME_WEBAUTHN_RP_ID = "medhome.example.org"
    client = log_in_with_password(staff_a[Role.NURSE])

    rp = js_data(client.get(ADD))["creation_options"]["publicKey"]["rp"]

    assert rp == {"id": "medhome.example.org", "name": "medhome"}
    # A key answering from this test host's origin is then for the wrong site.
    assert register(client, SoftwareAuthenticator()).status_code == 200
    assert not Authenticator.objects.filter(user=staff_a[Role.NURSE]).exists()


EXECUTABLE_INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


def test_the_passkey_pages_run_only_medhome_served_scripts(mfa_required, nurse_with_passkey):
    """Under the 'self'-only CSP: allauth's WebAuthn code comes from static files, and the inline
    blocks are JSON data (options and the onload hook's arguments), which CSP does not run."""
    user, key = nurse_with_passkey
    client = log_in_with_password(user)
    sign_in = client.get(AUTHENTICATE)
    client.post(
        AUTHENTICATE, {"credential": json.dumps(key.get(js_data(sign_in)["request_options"]))}
    )
    add = client.get(ADD)

    for page in (sign_in, add):
        body = page.content.decode()
        assert EXECUTABLE_INLINE.findall(body) == []
        sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', body)
        assert "/static/mfa/js/webauthn.js" in sources
        assert all(src.startswith("/static/") for src in sources)
        assert "script-src 'self';" in page["Content-Security-Policy"] + ";"
        for src in sources:
            assert client.get(src).status_code == 200  # served from medhome's own static files
