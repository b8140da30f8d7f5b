"""Automatic logoff (security.md, sessions): an idle timeout and an absolute one."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

SEARCH = "/children/"
LOGIN_AGAIN = "/accounts/login/?next=/children/"


def test_a_session_idle_longer_than_the_timeout_ends(client_a):
    assert client_a.get(SEARCH).status_code == 200
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)

    with time_machine.travel(timezone.now() + idle):
        response = client_a.get(SEARCH)

    assert (response.status_code, response["Location"]) == (302, LOGIN_AGAIN)


def test_activity_keeps_a_session_alive_until_the_absolute_limit(client_a):
    step = timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)  # never idle long enough
    start = timezone.now()
    assert client_a.get(SEARCH).status_code == 200
    limit = start + timedelta(seconds=settings.MEDHOME_SESSION_MAX_SECONDS)
    moment = start + step
    while moment < limit:
        with time_machine.travel(moment):
            assert client_a.get(SEARCH).status_code == 200
        moment += step

    with time_machine.travel(limit + timedelta(seconds=5)):  # whole seconds are compared
        ended = client_a.get(SEARCH)
        after = client_a.get(SEARCH)

    assert (ended.status_code, ended["Location"]) == (302, LOGIN_AGAIN)
    assert (after.status_code, after["Location"]) == (302, LOGIN_AGAIN)  # logged out for good


def test_an_expired_htmx_request_sends_the_whole_page_to_login(client_a):
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
        response = client_a.post(reverse("families:search"), {"q": "garc"}, HTTP_HX_REQUEST="true")

    assert (response.status_code, response["HX-Redirect"]) == (204, "/accounts/login/")


def test_logging_out_ends_the_session(client_a):
    signed_out = client_a.post(reverse("account_logout"))

    # The browser drops its copies of the signed-in pages (ASVS V8.2.3).
    assert signed_out["Clear-Site-Data"] == '"cache", "storage"'

    response = client_a.get(SEARCH)

    assert (response.status_code, response["Location"]) == (302, LOGIN_AGAIN)
