"""Passkeys (WebAuthn) as staff's second factor, next to the authenticator app (issue 21).

The ceremonies run for real against allauth's pages: a software authenticator
(tests/passkey_support.py: an EC P-256 key, "none" attestation) answers the options the page
hands its script, the way a browser's navigator.credentials would, and fido2 on the server checks
the challenge, the origin, the relying party and the signature.
"""

import json
import re
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from medhome.accounts.roles import Role

from .factories import PASSWORD
from .passkey_support import ORIGIN, SoftwareAuthenticator, passkey_for

pytestmark = pytest.mark.django_db

ADD = "/accounts/2fa/webauthn/add/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


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


def test_after_reauthenticating_only_ones_own_passkeys_open(log_in, staff_a, practice_a):
    mine, theirs = passkey_for(staff_a[Role.NURSE]), passkey_for(staff_a[Role.PEDIATRICIAN])
    client = log_in(staff_a[Role.NURSE], practice_a)
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302

    listed = client.get("/accounts/2fa/webauthn/")
    edit, remove = "/accounts/2fa/webauthn/keys/{}/edit/", "/accounts/2fa/webauthn/keys/{}/remove/"

    assert listed.status_code == 200 and "Desk key" in listed.content.decode()
    assert client.get(edit.format(theirs.pk)).status_code == 404
    assert client.post(edit.format(theirs.pk), {"name": "Mine now"}).status_code == 404
    assert client.post(remove.format(theirs.pk)).status_code == 404
    assert Authenticator.objects.get(pk=theirs.pk).wrap().name == "Desk key"
    assert client.post(remove.format(mine.pk)).status_code == 302
    assert not Authenticator.objects.filter(pk=mine.pk).exists()
