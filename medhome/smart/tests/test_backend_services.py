"""SMART Backend Services: client_credentials with a JWT signed by a registered key
(https://hl7.org/fhir/smart-app-launch/backend-services.html). Keys are made here, signed
with pyjwt, as a real backend service would."""

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from oauth2_provider.models import AccessToken

from medhome.accounts.roles import Role
from medhome.smart.models import ClientKind, TokenContext, UsedAssertion
from medhome.smart.services import register_client, revoke_client
from medhome.smart.validator import token_checksum
from tests import factories

TOKEN_URL = "http://testserver/oauth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_of(private, kid: str, alg: str = "RS384") -> dict:
    algorithm = jwt.algorithms.RSAAlgorithm if alg == "RS384" else jwt.algorithms.ECAlgorithm
    jwk = json.loads(algorithm.to_jwk(private.public_key()))
    return {**jwk, "kid": kid, "alg": alg}


@pytest.fixture
def backend(db, practice_a, staff_a, rsa_key):
    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    return register_client(
        admin,
        name="Health plan export",
        kind=ClientKind.BACKEND,
        allowed_scopes="system/Patient.rs system/Observation.rs",
        jwks={"keys": [jwk_of(rsa_key, "k1")]},
        capabilities=("chart.read",),
    ).client


def assertion(client, key, *, kid="k1", alg="RS384", aud=TOKEN_URL, exp_in=240, jti=None, iss=None):
    now = int(time.time())
    claims = {
        "iss": iss or client.application.client_id,
        "sub": client.application.client_id,
        "aud": aud,
        "exp": now + exp_in,
        "jti": jti or str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def ask(client_, signed, scope="system/Patient.rs"):
    return client_.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "scope": scope,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
    )


def test_a_signed_assertion_gets_a_system_token_bound_to_the_practice(
    client, backend, rsa_key, practice_a
):
    response = ask(client, assertion(backend, rsa_key), "system/Patient.rs system/Task.cruds")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "system/Patient.rs"  # requested ∩ allowed
    assert "refresh_token" not in body
    token = AccessToken.objects.get(token_checksum=token_checksum(body["access_token"]))
    assert token.token == ""  # only the checksum is kept: a copy of the database grants nothing
    assert token.user is None
    context = TokenContext.objects.get(access_token=token)
    assert context.practice == practice_a
    assert context.patient is None
    assert context.capabilities == ["chart.read"]


def test_an_es384_key_works_too(client, backend):
    key = ec.generate_private_key(ec.SECP384R1())
    backend.jwks = {"keys": [jwk_of(key, "ec1", "ES384")]}
    backend.save()
    response = ask(client, assertion(backend, key, kid="ec1", alg="ES384"))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("change", "description"),
    [
        ({"exp_in": -5}, "client_assertion has expired"),
        ({"exp_in": 600}, "client_assertion exp must be at most 300 s ahead"),
        ({"aud": "http://elsewhere/token"}, "client_assertion aud must be the token endpoint URL"),
        ({"kid": "nope"}, "no key with the assertion's kid is registered for this client"),
        ({"iss": "someone-else"}, "client_assertion iss and sub must both be the client id"),
    ],
)
def test_a_bad_assertion_is_invalid_client(client, backend, rsa_key, change, description):
    response = ask(client, assertion(backend, rsa_key, **change))
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": description}
    assert not AccessToken.objects.exists()


def test_a_key_not_registered_or_a_wrong_algorithm_is_refused(client, backend, rsa_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = ask(client, assertion(backend, other))
    assert response.status_code == 401
    assert response.json()["error_description"].startswith("client_assertion is not valid")
    response = ask(client, assertion(backend, rsa_key, alg="RS256"))
    assert response.json()["error_description"] == (
        "client_assertion must be signed with RS384 or ES384"
    )
    response = ask(client, "not-a-jwt")
    assert response.json()["error_description"] == "client_assertion is not a JWT"


def test_a_jti_is_used_once(client, backend, rsa_key):
    signed = assertion(backend, rsa_key, jti="once")
    assert ask(client, signed).status_code == 200
    again = ask(client, assertion(backend, rsa_key, jti="once"))
    assert again.status_code == 401
    assert again.json()["error_description"] == "client_assertion jti has already been used"
    assert UsedAssertion.objects.filter(jti="once").count() == 1


def test_scopes_outside_the_registration_are_invalid_scope(client, backend, rsa_key):
    response = ask(client, assertion(backend, rsa_key), "system/Task.cruds user/*.rs launch")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_scope",
        "error_description": "none of the requested scopes is allowed for this client",
    }


def test_a_wrong_assertion_type_and_a_secret_are_refused(client, backend, rsa_key):
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:other",
            "client_assertion": assertion(backend, rsa_key),
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    response = client.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": backend.application.client_id,
            "client_secret": "guess",
        },
    )
    assert response.status_code == 401


def test_a_revoked_client_gets_no_token_and_loses_the_ones_it_has(
    client, backend, rsa_key, practice_a, staff_a
):
    body = ask(client, assertion(backend, rsa_key)).json()
    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    assert revoke_client(admin, backend) == 1
    assert not AccessToken.objects.filter(
        token_checksum=token_checksum(body["access_token"])
    ).exists()
    response = ask(client, assertion(backend, rsa_key))
    assert response.status_code == 401
    assert response.json()["error_description"] == "unknown or revoked client"
