"""The apps page, the chart's launch page and discovery: who may open them (the page sweeps skip
the smart: namespace, so its access rules are proven here)."""

import json

import pytest
from django.urls import reverse
from oauth2_provider.models import AccessToken

from medhome.accounts.roles import Role
from medhome.smart.models import ClientKind, SmartClient
from tests import factories
from tests.fhir_support import issue_token

from .support import register_app


@pytest.fixture
def admin_a(staff_a):
    return staff_a[Role.PRACTICE_ADMIN]


@pytest.fixture
def app_b(practice_b):
    admin = factories.make_staff(
        "b-admin", practice_b, Role.PRACTICE_ADMIN, first_name="Bo", last_name="Admin"
    )
    return register_app(practice_b, admin)


def test_discovery_lists_the_endpoints_and_capabilities(client):
    for url in ("/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration"):
        body = client.get(url).json()
        assert body["authorization_endpoint"] == "http://testserver/oauth/authorize"
        assert body["token_endpoint"] == "http://testserver/oauth/token"
        assert body["jwks_uri"] == "http://testserver/oauth/jwks"
        assert body["issuer"] == "http://testserver/fhir"
        assert body["code_challenge_methods_supported"] == ["S256"]
        assert body["token_endpoint_auth_methods_supported"] == [
            "private_key_jwt",
            "client_secret_basic",
            "none",
        ]
        assert {
            "launch-ehr",
            "launch-standalone",
            "permission-v2",
            "sso-openid-connect",
            "client-public",
        } <= set(body["capabilities"])
    oidc = client.get("/fhir/.well-known/openid-configuration").json()
    assert oidc["issuer"] == "http://testserver/fhir"


def test_anonymous_is_sent_to_sign_in(client, app_b, child_a):
    for url in (
        reverse("smart:apps"),
        reverse("smart:launch", kwargs={"child_id": child_a.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_only_apps_manage_opens_the_apps_page(log_in, staff_a, practice_a, admin_a):
    for role, user in staff_a.items():
        status = log_in(user, practice_a).get(reverse("smart:apps")).status_code
        assert status == (200 if role == Role.PRACTICE_ADMIN else 403), role


def test_the_admin_registers_an_app_and_sees_its_secret_once(log_in, practice_a, admin_a):
    browser = log_in(admin_a, practice_a)
    response = browser.post(
        reverse("smart:apps"),
        {
            "name": "Growth viewer",
            "kind": ClientKind.APP,
            "launch_url": "https://apps.example.org/launch",
            "redirect_uris": "https://apps.example.org/callback",
            "allowed_scopes": "launch openid fhirUser patient/*.rs patient/*.rs",
        },
    )
    assert response.status_code == 200
    client = SmartClient.objects.get(practice=practice_a)
    assert client.allowed_scopes == "launch openid fhirUser patient/*.rs"
    assert response.context["registered"].client_secret in response.content.decode()
    assert client.application.client_secret != response.context["registered"].client_secret
    assert "Client secret" not in browser.get(reverse("smart:apps")).content.decode()


def test_the_admin_registers_a_public_app_which_has_no_secret(log_in, practice_a, admin_a):
    browser = log_in(admin_a, practice_a)
    response = browser.post(
        reverse("smart:apps"),
        {
            "name": "Family growth app",
            "kind": ClientKind.APP,
            "public": "on",
            "redirect_uris": "https://apps.example.org/callback",
            "allowed_scopes": "launch/patient openid fhirUser patient/*.rs",
        },
    )
    assert response.status_code == 200
    client = SmartClient.objects.get(practice=practice_a)
    assert client.application.client_type == "public"
    assert response.context["registered"].client_secret == ""
    assert "Client secret" not in response.content.decode()
    assert (
        "public: no client secret, PKCE only" in browser.get(reverse("smart:apps")).content.decode()
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {
                "kind": ClientKind.BACKEND,
                "public": "on",
                "allowed_scopes": "system/*.rs",
                "jwks": json.dumps({"keys": [{"kty": "RSA", "kid": "a", "n": "x", "e": "AQAB"}]}),
            },
            "public",
            "Only an app a user launches can be a public client.",
        ),
        (
            {
                "kind": ClientKind.APP,
                "allowed_scopes": "system/*.rs",
                "redirect_uris": "https://a/cb",
            },
            "allowed_scopes",
            "Not a scope this kind of app may have: system/*.rs",
        ),
        (
            {"kind": ClientKind.APP, "allowed_scopes": "launch"},
            "redirect_uris",
            "An app needs at least one redirect URI.",
        ),
        (
            {"kind": ClientKind.BACKEND, "allowed_scopes": "system/*.rs", "jwks": "{}"},
            "jwks",
            'The key set needs a "keys" list with at least one key.',
        ),
        (
            {
                "kind": ClientKind.BACKEND,
                "allowed_scopes": "system/*.rs",
                "jwks": json.dumps(
                    {"keys": [{"kty": "RSA", "kid": "a", "n": "x", "e": "AQAB", "d": "y"}]}
                ),
            },
            "jwks",
            "Paste the public keys only: this key set holds a private key.",
        ),
        (
            {"kind": ClientKind.BACKEND, "allowed_scopes": "patient/*.rs launch", "jwks": "nope"},
            "allowed_scopes",
            "Not a scope this kind of app may have: patient/*.rs launch",
        ),
    ],
)
def test_a_bad_registration_says_why_and_saves_nothing(
    log_in, practice_a, admin_a, data, field, message
):
    response = log_in(admin_a, practice_a).post(reverse("smart:apps"), {"name": "X", **data})
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not SmartClient.objects.exists()


def test_in_production_a_redirect_uri_must_use_https(log_in, practice_a, admin_a, settings):
    # Production's setting (RFC 9700 §2.1); the local environments also allow http for loopback.
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    }
    data = {"name": "X", "kind": ClientKind.APP, "allowed_scopes": "launch"}
    browser = log_in(admin_a, practice_a)

    refused = browser.post(
        reverse("smart:apps"), {**data, "redirect_uris": "http://apps.example.org/cb"}
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["redirect_uris"] == [
        "A redirect URI must use https: http://apps.example.org/cb"
    ]
    assert not SmartClient.objects.exists()
    accepted = browser.post(
        reverse("smart:apps"), {**data, "redirect_uris": "https://apps.example.org/cb"}
    )
    assert accepted.status_code == 200 and SmartClient.objects.count() == 1


def test_another_practices_app_cannot_be_revoked(log_in, practice_a, admin_a, app_b):
    response = log_in(admin_a, practice_a).post(
        reverse("smart:revoke_app", kwargs={"client_id": app_b.client.pk})
    )
    assert response.status_code == 404
    app_b.client.refresh_from_db()
    assert app_b.client.revoked_at is None


def test_the_admin_revokes_an_app_and_all_its_tokens(
    log_in, practice_a, admin_a, clinician_a, child_a
):
    app = register_app(practice_a, admin_a)
    for _ in range(2):
        issue_token(
            scope="patient/*.rs",
            user=clinician_a,
            practice=practice_a,
            patient=child_a,
            client=app.client,
        )
    nurse = log_in(
        factories.make_staff("a-nurse-2", practice_a, Role.NURSE, first_name="N", last_name="N"),
        practice_a,
    )
    assert (
        nurse.post(reverse("smart:revoke_app", kwargs={"client_id": app.client.pk})).status_code
        == 403
    )
    response = log_in(admin_a, practice_a).post(
        reverse("smart:revoke_app", kwargs={"client_id": app.client.pk})
    )
    assert response.status_code == 302
    assert not AccessToken.objects.filter(application=app.client.application).exists()
    app.client.refresh_from_db()
    assert app.client.revoked_at is not None


def test_launch_page_refuses_other_practices_child_and_app(
    log_in, practice_a, clinician_a, admin_a, child_a, child_b, app_b, staff_a
):
    app = register_app(practice_a, admin_a)
    browser = log_in(clinician_a, practice_a)
    page = browser.get(reverse("smart:launch", kwargs={"child_id": child_a.pk}))
    assert page.status_code == 200 and "Growth viewer" in page.content.decode()
    assert browser.get(reverse("smart:launch", kwargs={"child_id": child_b.pk})).status_code == 404
    other_app = browser.post(
        reverse("smart:launch", kwargs={"child_id": child_a.pk}), {"client": app_b.client.pk}
    )
    assert other_app.status_code == 404
    analyst = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)
    launch = analyst.post(
        reverse("smart:launch", kwargs={"child_id": child_a.pk}), {"client": app.client.pk}
    )
    assert launch.status_code == 403
