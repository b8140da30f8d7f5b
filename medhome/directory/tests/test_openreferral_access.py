"""Who may read a practice's Open Referral API: off / public / token, the tokens' life, the
management command, and a real HTTP client reading two pages from a live server."""

import io

import pytest
import requests
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.management import call_command

from medhome.accounts.roles import Capability
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.directory.models import OpenReferralToken
from medhome.directory.openreferral_access import (
    issue_token,
    revoke_token,
    set_mode,
    token_digest,
)
from tests import factories

from .openreferral_support import load_directory, page_errors, publish

pytestmark = pytest.mark.django_db


def curator(practice, *capabilities):
    return Actor(
        user=None,
        practice=practice,
        role="operator",
        capabilities=frozenset(capabilities or {Capability.DIRECTORY_CURATE}),
    )


@pytest.fixture
def practices(network):
    load_directory(active=2)
    return (
        factories.make_practice("Harborview", network=network),
        factories.make_practice("Riverbend", network=network),
    )


def status(client, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(url, headers=headers)
    return response.status_code, response.json()


def test_a_practice_that_does_not_publish_answers_404(client, practices):
    a, _b = practices
    assert status(client, f"/openreferral/{a.pk}/services") == (
        404,
        {"status": 404, "message": "No Open Referral API is published here."},
    )
    assert status(client, "/openreferral/not-a-practice/services")[0] == 404
    publish(a, "off")
    assert status(client, f"/openreferral/{a.pk}/")[0] == 404


def test_public_mode_needs_no_token(client, practices):
    a, b = practices
    base = publish(a, "public")
    code, body = status(client, f"{base}services")
    assert (code, body["total_items"]) == (200, 2)
    # The other practice's choice is its own.
    assert status(client, f"/openreferral/{b.pk}/services")[0] == 404


def test_token_mode_refuses_missing_wrong_revoked_and_foreign_tokens(client, practices):
    a, b = practices
    base = publish(a, "token")
    _row, good = issue_token(curator(a), "Food bank network", clock.now())
    revoked_row, revoked = issue_token(curator(a), "Old partner", clock.now())
    revoke_token(curator(a), revoked_row.pk, clock.now())
    _row_b, foreign = issue_token(curator(b), "Riverbend's partner", clock.now())

    response = client.get(f"{base}services")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="openreferral", error="invalid_token"'
    assert response.json()["message"] == (
        "This API needs a partner token: Authorization: Bearer <token>."
    )
    response = client.get(f"{base}services", headers={"Authorization": f"Basic {good}"})
    assert response.status_code == 401
    assert status(client, f"{base}services", good + "x") == (
        401,
        {"status": 401, "message": "The token is not valid."},
    )
    assert status(client, f"{base}services", revoked) == (
        401,
        {"status": 401, "message": "The token was revoked."},
    )
    assert status(client, f"{base}services/{'0' * 32}", foreign) == (
        403,
        {"status": 403, "message": "The token is not one of this practice's."},
    )
    code, body = status(client, f"{base}services", good)
    assert (code, body["total_items"]) == (200, 2)
    # A token also reads when the practice turns public, and nothing when it stops publishing.
    publish(a, "public")
    assert status(client, f"{base}services", good)[0] == 200
    publish(a, "off")
    assert status(client, f"{base}services", good)[0] == 404


def test_only_the_digest_is_stored_and_every_change_is_audited(practices):
    a, b = practices
    row, token = issue_token(curator(a), "  Food bank network  ", clock.now())
    stored = OpenReferralToken.objects.get(pk=row.pk)
    assert (stored.partner, stored.token_digest) == ("Food bank network", token_digest(token))
    assert token not in str(OpenReferralToken.objects.values().get(pk=row.pk))
    set_mode(curator(a), "token", clock.now())
    revoke_token(curator(a), row.pk, clock.now())
    events = AuditEvent.objects.filter(object_type__startswith="directory.openreferral")
    assert sorted((e.object_type, e.action) for e in events) == [
        ("directory.openreferralaccess", "create"),
        ("directory.openreferraltoken", "create"),
        ("directory.openreferraltoken", "update"),
    ]
    assert all(token not in str(e.detail) for e in events)
    with pytest.raises(ObjectDoesNotExist):
        revoke_token(curator(b), row.pk, clock.now())


def test_changing_access_needs_directory_curate(practices):
    a, _b = practices
    other = curator(a, Capability.CHART_READ)
    with pytest.raises(PermissionDenied):
        set_mode(other, "public", clock.now())
    with pytest.raises(PermissionDenied):
        issue_token(other, "Partner", clock.now())
    with pytest.raises(ValueError, match="Unknown publication mode"):
        set_mode(curator(a), "everyone", clock.now())
    with pytest.raises(ValueError, match="partner's name"):
        issue_token(curator(a), "   ", clock.now())


def run(*args):
    out = io.StringIO()
    call_command("openreferral", *args, stdout=out)
    return out.getvalue()


def test_the_management_command_publishes_issues_lists_and_revokes(client, practices):
    a, _b = practices
    assert "token" in run("--practice", "Harborview", "mode", "token")
    issued = run("--practice", "Harborview", "issue", "Food bank network")
    token = issued.split("(shown once): ")[1].split()[0]
    token_id = issued.split()[1]
    assert status(client, f"/openreferral/{a.pk}/services", token)[0] == 200
    listing = run("--practice", "Harborview", "list")
    assert "Food bank network" in listing and "active" in listing and token not in listing
    assert "Revoked" in run("--practice", "Harborview", "revoke", token_id)
    assert status(client, f"/openreferral/{a.pk}/services", token)[0] == 401
    assert "revoked" in run("--practice", "Harborview", "list")


@pytest.mark.django_db(transaction=True)
def test_a_real_http_client_reads_two_pages(live_server, network):
    load_directory(active=3)
    practice = factories.make_practice("Harborview", network=network)
    base = live_server.url + publish(practice, "token")
    # The token's row made directly: the audit trail's triggers forbid the flush a live-server
    # test ends with once an audit row exists (tests/e2e/conftest.py says the same).
    token = "live-server-partner-token"
    OpenReferralToken.objects.create(
        practice=practice,
        partner="Food bank",
        token_digest=token_digest(token),
        created_at=clock.now(),
    )
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        first = session.get(f"{base}services", params={"per_page": 2, "full": "true"}, timeout=10)
        second = session.get(
            f"{base}services", params={"per_page": 2, "page": 2, "full": "true"}, timeout=10
        )
        refused = requests.get(f"{base}services", timeout=10)
    assert (first.status_code, second.status_code, refused.status_code) == (200, 200, 401)
    assert first.headers["Content-Type"] == "application/json"
    one, two = first.json(), second.json()
    assert page_errors("service", one) == page_errors("service", two) == []
    assert (one["total_items"], one["total_pages"], one["last_page"], two["last_page"]) == (
        3,
        2,
        False,
        True,
    )
    names = [s["name"] for s in one["contents"] + two["contents"]]
    assert names == ["Service a", "Service b", "Service c"]
