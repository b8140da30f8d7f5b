"""Two-step sign-in for staff (security.md: MFA required for staff; django-allauth's TOTP)."""

import time
from urllib.parse import unquote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.test import Client
from django.urls import reverse

from medhome.accounts.roles import Role

from .factories import PASSWORD

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"
MFA_INDEX = "/accounts/2fa/"  # both second factors offered: an authenticator app or a passkey


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def mfa_required(settings):
    settings.MEDHOME_REQUIRE_MFA = True


def log_in_with_password(client: Client, user) -> object:
    return client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


def test_without_a_second_factor_staff_reach_no_record(
    mfa_required, log_in, staff_a, practice_a, child_a
):
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    for url in (
        reverse("families:search"),
        reverse("families:chart", kwargs={"child_id": child_a.pk}),
        reverse("practices:choose"),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, MFA_INDEX)
        assert child_a.legal_family_name not in response.content.decode()


def test_the_set_up_page_logging_out_and_the_health_check_stay_open(
    mfa_required, log_in, staff_a, practice_a
):
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.post(reverse("account_logout"))["Location"] == "/accounts/login/"


def test_the_demo_setting_lets_staff_in_without_a_second_factor(
    settings, log_in, staff_a, practice_a
):
    settings.MEDHOME_REQUIRE_MFA = False
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    assert client.get(reverse("families:search")).status_code == 200


def test_setting_up_the_app_right_after_logging_in_then_working(mfa_required, staff_a, child_a):
    user = staff_a[Role.CARE_COORDINATOR]
    client = Client()
    assert log_in_with_password(client, user).status_code == 302

    page = client.get(ACTIVATE)  # no second password asked just after logging in
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    wrong = client.post(ACTIVATE, {"code": "000000" if code_now(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    done = client.post(ACTIVATE, {"code": code_now(secret)})

    assert (done.status_code, done["Location"]) == (302, "/accounts/2fa/recovery-codes/")
    assert client.get(done["Location"]).status_code == 200  # the codes, without a new password
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("practices:choose"))["Location"] == reverse(
        "tasks:list"
    )  # a coordinator
    assert client.get(reverse("families:search")).status_code == 200


def test_logging_in_asks_for_the_code_and_refuses_a_wrong_one(
    mfa_required, staff_a, practice_a, caplog
):
    user = staff_a[Role.NURSE]
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()

    after_password = log_in_with_password(client, user)

    assert (after_password.status_code, after_password["Location"]) == (
        302,
        "/accounts/2fa/authenticate/",
    )
    assert client.get(reverse("families:search"))["Location"].startswith("/accounts/login/")
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    # Logged (ASVS V7.2.1): the factor's kind and the user's id, never the code typed.
    refused = [r.getMessage() for r in caplog.records if r.name == "medhome.security"]
    assert refused == [f"second factor refused at sign-in (totp) [user {user.pk}]"]

    right = client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})

    assert (right.status_code, unquote(right["Location"])) == (302, "/practice/")
    assert client.get(reverse("practices:choose"))["Location"] == reverse(
        "screening:landing"
    )  # a nurse
    assert client.get(reverse("families:search")).status_code == 200


def test_repeated_wrong_passwords_lock_the_login_for_a_while(settings, staff_a):
    settings.AXES_ENABLED = True
    user = staff_a[Role.FRONT_DESK]
    client = Client()

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("account_login"), {"login": user.username, "password": "wrong-guess"})
    locked = log_in_with_password(client, user)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        Client()
        .post(reverse("account_login"), {"login": "someone.else", "password": "x"})
        .status_code
        == 200
    )
