"""The SMART flows end to end over HTTP, driven by client libraries nobody here wrote:
requests-oauthlib (OAuth2Session with PKCE S256) and SMART's own Python client (fhirclient)
reading /fhir/Patient with the token it got. Requests go to Django's WSGI application in
process (wsgi_transport.py: live_server cannot empty the append-only audit trail). The staff
member's browser is a real session cookie with CSRF enforced (2-step sign-in is the session's
business: tests run without MEDHOME_REQUIRE_MFA, as every page test does)."""

from datetime import timedelta

import jwt
import pytest
import requests
from django.conf import settings
from django.utils import timezone
from fhirclient import client as fhir_client
from fhirclient.models.patient import Patient
from requests_oauthlib import OAuth2Session

from medhome.accounts.roles import Role
from medhome.smart.services import revoke_client
from tests import factories

from . import wsgi_transport
from .support import REDIRECT, form_value, query_of, register_app

BASE = wsgi_transport.BASE


@pytest.fixture(autouse=True)
def _insecure_transport(monkeypatch):
    # The live server speaks http on loopback; oauthlib refuses that unless told.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def app(practice_a, staff_a):
    return register_app(practice_a, staff_a[Role.PRACTICE_ADMIN])


def browser_for(log_in, user, practice) -> requests.Session:
    """A requests session carrying the staff member's signed-in session cookie."""
    signed_in = log_in(user, practice)
    browser = wsgi_transport.mount(requests.Session())
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return browser


def consent(session: requests.Session, url: str, base: str, patient=None) -> str:
    """Open the authorize page, allow (choosing `patient` when asked): the redirect's URL."""
    page = session.get(url + (f"&q={patient.legal_family_name}" if patient else ""))
    assert page.status_code == 200, page.text[:300]
    data = {
        "csrfmiddlewaretoken": form_value(page.text, "csrfmiddlewaretoken"),
        "key": form_value(page.text, "key"),
        "allow": "1",
    }
    if patient is not None:
        data["patient"] = str(patient.pk)
    answer = session.post(f"{base}/oauth/authorize", data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    return answer.headers["Location"]


def test_standalone_launch_with_requests_oauthlib(
    log_in, app, clinician_a, practice_a, child_a, time_machine
):
    base = BASE
    oauth = OAuth2Session(
        app.client_id,
        redirect_uri=REDIRECT,
        scope=["launch/patient", "patient/Patient.rs", "openid", "fhirUser"],
        pkce="S256",
    )
    wsgi_transport.mount(oauth)
    url, state = oauth.authorization_url(f"{base}/oauth/authorize", aud=f"{base}/fhir")
    assert "code_challenge_method=S256" in url
    oauth.cookies.update(browser_for(log_in, clinician_a, practice_a).cookies)
    callback = consent(oauth, url, base, patient=child_a)
    assert query_of(callback)["state"] == state
    token = oauth.fetch_token(
        f"{base}/oauth/token", authorization_response=callback, client_secret=app.secret
    )
    assert token["patient"] == str(child_a.pk)
    assert token["scope"] == ["launch/patient", "patient/Patient.rs", "openid", "fhirUser"]

    # The id_token is signed by the key the JWKS endpoint publishes, and names the Practitioner.
    keys = jwt.PyJWKSet.from_dict(oauth.get(f"{base}/oauth/jwks").json())
    kid = jwt.get_unverified_header(token["id_token"])["kid"]
    claims = jwt.decode(
        token["id_token"], keys[kid].key, algorithms=["RS256"], audience=app.client_id
    )
    membership = clinician_a.memberships.get(practice=practice_a)
    assert claims["fhirUser"] == f"{base}/fhir/Practitioner/{membership.pk}"
    assert claims["iss"] == f"{base}/fhir"
    userinfo = oauth.get(f"{base}/oauth/userinfo").json()
    assert userinfo == {"sub": str(clinician_a.pk), "fhirUser": claims["fhirUser"]}

    patient = oauth.get(f"{base}/fhir/Patient/{child_a.pk}")
    assert patient.status_code == 200
    assert patient.json()["id"] == str(child_a.pk)

    # Expired: the API answers 401 (the token's own clock, not the client's).
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    expired = wsgi_transport.mount(requests.Session()).get(
        f"{base}/fhir/Patient/{child_a.pk}",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert expired.status_code == 401


def test_a_public_app_signs_in_with_pkce_alone_and_never_without_it(
    log_in, practice_a, staff_a, clinician_a, child_a
):
    """SMART `client-public`: no secret to keep; the code is proved by the PKCE verifier, so a
    stolen code without it is worth nothing."""
    base = BASE
    public = register_app(practice_a, staff_a[Role.PRACTICE_ADMIN], public=True)
    assert public.secret == ""

    def authorized(pkce: str | None) -> tuple[OAuth2Session, str]:
        oauth = OAuth2Session(
            public.client_id,
            redirect_uri=REDIRECT,
            scope=["launch/patient", "patient/Patient.rs"],
            pkce=pkce,
        )
        wsgi_transport.mount(oauth)
        url, _state = oauth.authorization_url(f"{base}/oauth/authorize", aud=f"{base}/fhir")
        oauth.cookies.update(browser_for(log_in, clinician_a, practice_a).cookies)
        return oauth, consent(oauth, url, base, patient=child_a)

    oauth, callback = authorized("S256")
    token = oauth.fetch_token(
        f"{base}/oauth/token", authorization_response=callback, include_client_id=True
    )
    assert token["patient"] == str(child_a.pk)
    assert oauth.get(f"{base}/fhir/Patient/{child_a.pk}").status_code == 200

    # The same kind of code, redeemed without the verifier: refused, no token.
    oauth, callback = authorized("S256")
    stolen = wsgi_transport.mount(requests.Session()).post(
        f"{base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback)["code"],
            "redirect_uri": REDIRECT,
            "client_id": public.client_id,
        },
    )
    assert stolen.status_code == 400
    assert "access_token" not in stolen.json()

    # Without a PKCE challenge the authorize step itself refuses to issue a code.
    plain = OAuth2Session(public.client_id, redirect_uri=REDIRECT, scope=["launch/patient"])
    wsgi_transport.mount(plain)
    url, _state = plain.authorization_url(f"{base}/oauth/authorize", aud=f"{base}/fhir")
    plain.cookies.update(browser_for(log_in, clinician_a, practice_a).cookies)
    page = plain.get(url, allow_redirects=False)
    assert page.status_code in (302, 400)
    if page.status_code == 302:
        assert "code=" not in page.headers["Location"]
        assert "error=" in page.headers["Location"]


def test_revoke_endpoint_and_the_admins_revoke_end_the_token(
    log_in, app, clinician_a, practice_a, child_a, staff_a
):
    base = BASE
    tokens = []
    for _ in range(2):
        oauth = OAuth2Session(
            app.client_id,
            redirect_uri=REDIRECT,
            scope=["launch/patient", "patient/Patient.rs"],
            pkce="S256",
        )
        wsgi_transport.mount(oauth)
        url, _state = oauth.authorization_url(f"{base}/oauth/authorize", aud=f"{base}/fhir")
        oauth.cookies.update(browser_for(log_in, clinician_a, practice_a).cookies)
        callback = consent(oauth, url, base, patient=child_a)
        oauth.fetch_token(
            f"{base}/oauth/token", authorization_response=callback, client_secret=app.secret
        )
        assert oauth.get(f"{base}/fhir/Patient/{child_a.pk}").status_code == 200
        tokens.append(oauth)

    first = tokens[0]
    revoked = wsgi_transport.mount(requests.Session()).post(
        f"{base}/oauth/revoke",
        data={"token": first.token["access_token"], "token_type_hint": "access_token"},
        auth=(app.client_id, app.secret),
    )
    assert revoked.status_code == 200
    assert first.get(f"{base}/fhir/Patient/{child_a.pk}").status_code == 401
    assert tokens[1].get(f"{base}/fhir/Patient/{child_a.pk}").status_code == 200

    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    revoke_client(admin, app.client)
    assert tokens[1].get(f"{base}/fhir/Patient/{child_a.pk}").status_code == 401


def test_ehr_launch_with_fhirclient_reads_the_launched_child(
    log_in, app, clinician_a, practice_a, child_a
):
    base = BASE
    browser = browser_for(log_in, clinician_a, practice_a)
    chart = browser.get(f"{base}/children/{child_a.pk}/launch/")
    launched = browser.post(
        f"{base}/children/{child_a.pk}/launch/",
        data={
            "client": str(app.client.pk),
            "csrfmiddlewaretoken": form_value(chart.text, "csrfmiddlewaretoken"),
        },
        allow_redirects=False,
    )
    assert launched.status_code == 302
    launch = query_of(launched.headers["Location"])
    assert launch["iss"] == f"{base}/fhir"

    smart = fhir_client.FHIRClient(
        settings={
            "app_id": app.client_id,
            "app_secret": app.secret,
            "api_base": launch["iss"],
            "redirect_uri": REDIRECT,
            "scope": "launch patient/Patient.rs openid fhirUser",
            "launch_token": launch["launch"],
        }
    )
    wsgi_transport.mount(smart.server.session)
    callback = consent(browser, smart.authorize_url, base)
    smart.handle_callback(callback)
    assert smart.ready
    assert smart.patient_id == str(child_a.pk)
    patient = Patient.read(smart.patient_id, smart.server)
    assert patient.id == str(child_a.pk)
    assert patient.birthDate.isostring == child_a.date_of_birth.isoformat()
