"""Automatic logoff (security.md, sessions): an idle timeout and an absolute one."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medhome.core.checks import check_session_timeouts

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


def _session_writes(client, when) -> list[str]:
    with time_machine.travel(when), CaptureQueriesContext(connection) as queries:
        assert client.get(SEARCH).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
    ]


def test_pages_within_the_renewal_interval_do_not_write_the_session(client_a):
    start = timezone.now()
    renew = settings.MEDHOME_SESSION_RENEW_SECONDS
    assert _session_writes(client_a, start) == []  # signing in stamped the session
    assert _session_writes(client_a, start + timedelta(seconds=renew - 1)) == []
    assert _session_writes(client_a, start + timedelta(seconds=renew)) != []


def test_a_page_renews_the_idle_timeout_only_after_the_interval(client_a):
    start = timezone.now()
    renew = settings.MEDHOME_SESSION_RENEW_SECONDS
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert client_a.get(SEARCH).status_code == 200
    with time_machine.travel(start + timedelta(seconds=renew - 1)):
        assert client_a.get(SEARCH).status_code == 200  # not renewed: too soon
    with time_machine.travel(start + age + timedelta(seconds=1)):
        ended = client_a.get(SEARCH)
    assert (ended.status_code, ended["Location"]) == (302, LOGIN_AGAIN)


def test_a_page_after_the_interval_moves_the_idle_timeout_on(client_a):
    start = timezone.now()
    renew = settings.MEDHOME_SESSION_RENEW_SECONDS
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert client_a.get(SEARCH).status_code == 200
    with time_machine.travel(start + timedelta(seconds=renew + 1)):
        assert client_a.get(SEARCH).status_code == 200
    with time_machine.travel(start + age + timedelta(seconds=2)):
        # idle timeout reached from the first page, not from the renewal one: still signed in
        assert client_a.get(SEARCH).status_code == 200


def test_an_expired_session_cookie_does_not_start_a_new_session(client_a):
    assert client_a.get(SEARCH).status_code == 200
    sessions = set(Session.objects.values_list("session_key", flat=True))
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
        response = client_a.get(SEARCH)
    assert (response.status_code, response["Location"]) == (302, LOGIN_AGAIN)
    assert set(Session.objects.values_list("session_key", flat=True)) == sessions
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the browser drops it


@pytest.mark.parametrize(
    ("renew", "refused"),
    [(0, False), (60, False), (1799, False), (1800, True), (-1, True), ("60", True)],
)
def test_a_renewal_interval_not_shorter_than_the_idle_timeout_is_refused(renew, refused):
    with override_settings(SESSION_COOKIE_AGE=1800, MEDHOME_SESSION_RENEW_SECONDS=renew):
        errors = check_session_timeouts()
    assert [error.id for error in errors] == (["medhome.E104"] if refused else [])
