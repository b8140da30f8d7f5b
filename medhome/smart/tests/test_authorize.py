"""The authorize step's refusals and bindings, through Django's test client (the full flows with
an OAuth client library are in test_flows_live.py)."""

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.smart.models import LaunchContext, TokenContext
from medhome.smart.validator import token_checksum
from tests import factories

from .support import LAUNCH_URL, REDIRECT, form_value, pkce, query_of, register_app

AUD = "http://testserver/fhir"


@pytest.fixture
def app(practice_a, staff_a):
    return register_app(practice_a, staff_a[Role.PRACTICE_ADMIN])


def authorize_params(app, *, scope="launch/patient patient/*.rs openid fhirUser", **extra):
    verifier, challenge = pkce()
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-1",
        "aud": AUD,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return params, verifier


def exchange(client, app, code, verifier):
    return client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )


def test_anonymous_is_sent_to_sign_in(client, app):
    params, _ = authorize_params(app)
    response = client.get("/oauth/authorize", params)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/oauth/authorize")


def test_standalone_launch_binds_the_chosen_child(log_in, app, clinician_a, practice_a, child_a):
    browser = log_in(clinician_a, practice_a)
    params, verifier = authorize_params(app)
    page = browser.get("/oauth/authorize", {**params, "q": child_a.legal_family_name})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{child_a.pk}"' in html
    response = browser.post(
        "/oauth/authorize", {"key": form_value(html, "key"), "allow": "1", "patient": child_a.pk}
    )
    assert response.status_code == 302
    answer = query_of(response["Location"])
    assert answer["state"] == "st-1"
    token = exchange(browser, app, answer["code"], verifier)
    assert token.status_code == 200, token.content
    body = token.json()
    assert body["patient"] == str(child_a.pk)
    assert body["scope"] == "launch/patient patient/*.rs openid fhirUser"
    assert body["need_patient_banner"] is True
    assert "id_token" in body and "refresh_token" in body
    context = TokenContext.objects.get(
        access_token__token_checksum=token_checksum(body["access_token"])
    )
    assert (context.practice, context.patient) == (practice_a, child_a)

    refreshed = browser.post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    assert refreshed.json()["patient"] == str(child_a.pk)
    context = TokenContext.objects.get(
        access_token__token_checksum=token_checksum(refreshed.json()["access_token"])
    )
    assert (context.practice, context.patient) == (practice_a, child_a)


def test_another_practices_child_cannot_be_chosen(log_in, app, clinician_a, practice_a, child_b):
    browser = log_in(clinician_a, practice_a)
    params, _ = authorize_params(app)
    html = browser.get("/oauth/authorize", {**params, "q": child_b.legal_family_name})
    assert f'value="{child_b.pk}"' not in html.content.decode()
    response = browser.post(
        "/oauth/authorize",
        {"key": form_value(html.content.decode(), "key"), "allow": "1", "patient": child_b.pk},
    )
    assert response.status_code == 404
    assert not AccessToken.objects.exists()


def test_ehr_launch_binds_the_launched_child_once(log_in, app, clinician_a, practice_a, child_a):
    browser = log_in(clinician_a, practice_a)
    launched = browser.post(f"/children/{child_a.pk}/launch/", {"client": app.client.pk})
    assert launched.status_code == 302
    assert launched["Location"].startswith(LAUNCH_URL + "?")
    launch = query_of(launched["Location"])
    assert launch["iss"] == AUD
    params, verifier = authorize_params(app, scope="launch patient/*.rs", launch=launch["launch"])
    html = browser.get("/oauth/authorize", params).content.decode()
    response = browser.post("/oauth/authorize", {"key": form_value(html, "key"), "allow": "1"})
    body = exchange(browser, app, query_of(response["Location"])["code"], verifier).json()
    assert body["patient"] == str(child_a.pk)
    assert LaunchContext.objects.get(pk=launch["launch"]).used_at is not None
    event = AuditEvent.objects.get(object_type="smart_launch")
    assert (event.object_id, event.detail) == (str(child_a.pk), {"client": app.client_id})

    again = browser.get("/oauth/authorize", params)
    assert query_of(again["Location"]) == {
        "error": "invalid_request",
        "error_description": "unknown or used launch",
        "state": "st-1",
    }


def test_a_launch_is_the_launching_users_and_expires(
    log_in, app, clinician_a, staff_a, practice_a, child_a
):
    browser = log_in(clinician_a, practice_a)
    launched = browser.post(f"/children/{child_a.pk}/launch/", {"client": app.client.pk})
    launch_id = query_of(launched["Location"])["launch"]
    params, _ = authorize_params(app, scope="launch patient/*.rs", launch=launch_id)
    other = log_in(staff_a[Role.NURSE], practice_a)
    assert query_of(other.get("/oauth/authorize", params)["Location"])["error"] == (
        "invalid_request"
    )
    LaunchContext.objects.filter(pk=launch_id).update(expires_at=timezone.now())
    assert "error" in query_of(browser.get("/oauth/authorize", params)["Location"])


@pytest.mark.parametrize(
    ("change", "description"),
    [
        ({"code_challenge_method": "plain"}, "PKCE with S256 is required"),
        ({"aud": "http://elsewhere/fhir"}, "aud must be the FHIR base URL"),
        ({"scope": "launch patient/*.rs"}, "scope launch needs a launch"),
    ],
)
def test_smart_request_rules(log_in, app, clinician_a, practice_a, change, description):
    browser = log_in(clinician_a, practice_a)
    params, _ = authorize_params(app, **change)
    answer = query_of(browser.get("/oauth/authorize", params)["Location"])
    assert answer["error"] == "invalid_request"
    assert answer["error_description"] == description


def test_no_pkce_and_no_allowed_scope_are_refused(log_in, app, clinician_a, practice_a):
    browser = log_in(clinician_a, practice_a)
    params, _ = authorize_params(app)
    del params["code_challenge"]
    assert query_of(browser.get("/oauth/authorize", params)["Location"])["error"] == (
        "invalid_request"
    )
    params, _ = authorize_params(app, scope="system/*.rs user/Task.c")
    assert query_of(browser.get("/oauth/authorize", params)["Location"])["error"] == (
        "invalid_scope"
    )


def test_an_app_of_another_practice_is_refused_without_redirect(
    log_in, practice_b, clinician_a, practice_a
):
    admin_b = factories.make_staff(
        "b-admin", practice_b, Role.PRACTICE_ADMIN, first_name="Bo", last_name="Admin"
    )
    other = register_app(practice_b, admin_b)
    browser = log_in(clinician_a, practice_a)
    params, _ = authorize_params(other)
    response = browser.get("/oauth/authorize", params)
    assert response.status_code == 400
    assert "not registered with the practice you work in" in response.content.decode()


def test_deny_answers_access_denied(log_in, app, clinician_a, practice_a):
    browser = log_in(clinician_a, practice_a)
    params, _ = authorize_params(app)
    html = browser.get("/oauth/authorize", params).content.decode()
    response = browser.post("/oauth/authorize", {"key": form_value(html, "key"), "deny": "1"})
    assert query_of(response["Location"])["error"] == "access_denied"


def test_the_wrong_verifier_gets_no_token(log_in, app, clinician_a, practice_a, child_a):
    browser = log_in(clinician_a, practice_a)
    params, _ = authorize_params(app)
    html = browser.get("/oauth/authorize", {**params, "q": child_a.legal_family_name})
    response = browser.post(
        "/oauth/authorize",
        {"key": form_value(html.content.decode(), "key"), "allow": "1", "patient": child_a.pk},
    )
    code = query_of(response["Location"])["code"]
    answer = exchange(browser, app, code, "x" * 50)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_granted_scopes_are_requested_narrowed_to_the_registration(app):
    from medhome.smart.validator import grantable

    app.client.allowed_scopes = "launch openid patient/*.rs patient/Observation.rs user/Patient.rs"
    assert grantable(
        [
            "patient/Patient.read",
            "patient/*.cruds",
            "user/*.rs",
            "user/Task.c",
            "profile",
            "launch",
        ],
        app.client,
    ) == ["patient/Patient.read", "patient/*.rs", "user/Patient.rs", "launch"]
    assert grantable(["system/*.rs", "launch/patient"], app.client) == []
