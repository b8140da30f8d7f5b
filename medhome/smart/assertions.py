"""SMART Backend Services: a client proves who it is with a JWT signed by its private key.

Spec: https://hl7.org/fhir/smart-app-launch/backend-services.html and
https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html — the assertion is
signed RS384 or ES384 by a key in the client's registered JWKS (`kid` in the header), with
`iss` = `sub` = the client id, `aud` = the token endpoint URL, `exp` no more than five minutes
ahead, and a `jti` never used before (kept here until the assertion expires).
"""

import json
from datetime import UTC, datetime
from typing import Any

import jwt
from django.conf import settings
from django.db import IntegrityError, transaction

from medhome.core import clock

from .models import SmartClient, UsedAssertion

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ("RS384", "ES384")


class AssertionRefused(Exception):
    """The assertion is refused; the message is the OAuth error_description."""


def _key_for(client: SmartClient, kid: str | None, alg: str) -> Any:
    keys = (client.jwks or {}).get("keys") or []
    for jwk in keys:
        if kid and jwk.get("kid") == kid:
            if jwk.get("alg") and jwk["alg"] != alg:
                raise AssertionRefused(f"key {kid!r} is registered for {jwk['alg']}, not {alg}")
            return jwt.PyJWK.from_json(json.dumps(jwk), algorithm=alg).key
    raise AssertionRefused("no key with the assertion's kid is registered for this client")


def verify_assertion(assertion: str, *, token_url: str, now: datetime | None = None) -> SmartClient:
    """The client the assertion proves, or AssertionRefused with the reason. Records the jti."""
    now = now or clock.now()
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise AssertionRefused("client_assertion is not a JWT") from error
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise AssertionRefused("client_assertion must be signed with RS384 or ES384")
    client_id = unverified.get("iss")
    if not client_id or unverified.get("sub") != client_id:
        raise AssertionRefused("client_assertion iss and sub must both be the client id")
    client = (
        SmartClient.objects.select_related("application", "practice")
        .filter(application__client_id=client_id)
        .first()
    )
    if client is None or client.revoked_at is not None:
        raise AssertionRefused("unknown or revoked client")
    key = _key_for(client, header.get("kid"), alg)
    try:
        claims = jwt.decode(
            assertion,
            key=key,
            algorithms=[alg],
            audience=token_url,
            issuer=client_id,
            options={"require": ["exp", "jti", "iss", "sub", "aud"], "verify_exp": False},
        )
    except jwt.InvalidAudienceError as error:
        raise AssertionRefused("client_assertion aud must be the token endpoint URL") from error
    except jwt.PyJWTError as error:
        raise AssertionRefused(f"client_assertion is not valid: {error}") from error
    expires = datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    if expires <= now:
        raise AssertionRefused("client_assertion has expired")
    max_seconds = settings.MEDHOME_SMART["assertion_max_seconds"]
    if (expires - now).total_seconds() > max_seconds:
        raise AssertionRefused(f"client_assertion exp must be at most {max_seconds} s ahead")
    _use_jti(client, str(claims["jti"]), expires, now)
    return client


def _use_jti(client: SmartClient, jti: str, expires: datetime, now: datetime) -> None:
    UsedAssertion.objects.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(client=client, jti=jti, expires_at=expires)
    except IntegrityError as error:
        raise AssertionRefused("client_assertion jti has already been used") from error
