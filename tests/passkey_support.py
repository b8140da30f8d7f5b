"""A software passkey for tests: what a browser's navigator.credentials would hand allauth.

No fido2 class plays the authenticator, so this one builds the bytes itself: authenticator data
(relying party hash, flags, counter, the credential's COSE public key), "none" attestation, the
client data JSON, and ECDSA P-256 signatures over them.
"""

import hashlib
import json
import secrets
import struct

from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2 import cbor
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode

ORIGIN = "https://testserver"  # Django's test client's host; the relying party id follows it
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
        auth_data = self._auth_data(public_key["rp"]["id"], FLAG_UP | FLAG_UV | FLAG_AT, attested)
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


def passkey_for(user, name: str = "Desk key") -> Authenticator:
    """A registered passkey row, stored as allauth stores one (for pages that list or edit it)."""
    options = {"publicKey": {"rp": {"id": "testserver"}, "challenge": websafe_encode(b"x" * 32)}}
    credential = SoftwareAuthenticator().create(options)
    return WebAuthn.add(user, name, credential).instance
