"""The staff pages of the practice's connections: the Open Referral API (directory.curate) and
the partners' FHIR endpoints (users.manage). Every allowed and refused action."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.directory.models import OpenReferralAccess, OpenReferralToken, PracticePartner
from medhome.directory.openreferral_access import check_access, token_digest
from medhome.exchange import endpoints
from medhome.exchange.models import PartnerEndpoint, RemoteState, RemoteTask
from tests import factories
from tests.connection_factories import connection_rows

pytestmark = pytest.mark.django_db

OPENREFERRAL = reverse("connections:openreferral")
ISSUE = reverse("connections:openreferral_issue")
ENDPOINTS = reverse("connections:endpoints")


@pytest.fixture
def admin_a(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)


@pytest.fixture
def referral_a(child_a, caregiver_a, staff_a):
    return factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], factories.organization("Harbor Pantry")
    )


@pytest.fixture
def referral_b(child_b, caregiver_b, clinician_b):
    return factories.sent_referral(
        child_b, caregiver_b, clinician_b, factories.organization("Riverbend Pantry")
    )


def audits(object_type: str) -> list[tuple[str, dict]]:
    rows = AuditEvent.objects.filter(object_type=object_type).order_by("at", "sequence")
    return [(row.action, row.detail) for row in rows]


# --- Open Referral API ---------------------------------------------------------------------


def test_the_page_shows_the_base_url_and_mode(admin_a, practice_a):
    response = admin_a.get(OPENREFERRAL)

    body = response.content.decode()
    assert response.status_code == 200
    assert f"http://testserver/openreferral/{practice_a.pk}/" in body
    assert "Not published: the API answers 404." in body


@pytest.mark.parametrize("role", [Role.PRACTICE_ADMIN, Role.CARE_COORDINATOR])
def test_a_curator_changes_the_mode_audited(log_in, staff_a, practice_a, role):
    client = log_in(staff_a[role], practice_a)

    response = client.post(OPENREFERRAL, {"mode": "public"})

    assert (response.status_code, response["Location"]) == (302, OPENREFERRAL)
    assert OpenReferralAccess.objects.get(practice=practice_a).mode == "public"
    assert check_access(str(practice_a.pk), "") is None
    assert audits("directory.openreferralaccess") == [
        ("create", {"fields": ["mode"], "mode": "public"})
    ]


def test_an_unknown_mode_is_refused_and_nothing_saved(admin_a, practice_a):
    response = admin_a.post(OPENREFERRAL, {"mode": "everyone"})

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not OpenReferralAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.PEDIATRICIAN, Role.FRONT_DESK, Role.NURSE])
def test_roles_without_directory_curate_are_refused(log_in, staff_a, practice_a, role):
    client = log_in(staff_a[role], practice_a)
    row = connection_rows_token(practice_a)

    statuses = (
        client.get(OPENREFERRAL).status_code,
        client.post(OPENREFERRAL, {"mode": "public"}).status_code,
        client.post(ISSUE, {"partner": "Intruder"}).status_code,
        client.post(revoke_url(row)).status_code,
    )

    assert statuses == (403, 403, 403, 403)
    assert not OpenReferralAccess.objects.exists()
    assert list(OpenReferralToken.objects.values_list("partner", "revoked_at")) == [
        ("Mass 211", None)
    ]


def connection_rows_token(practice):
    return OpenReferralToken.objects.create(
        practice=practice,
        partner="Mass 211",
        token_digest=token_digest("x"),
        created_at=clock.now(),
    )


def revoke_url(row) -> str:
    return reverse("connections:openreferral_revoke", kwargs={"token_id": row.pk})


def test_a_token_is_shown_once_and_only_its_digest_kept(admin_a, practice_a, caplog):
    response = admin_a.post(ISSUE, {"partner": "  Mass 211  "})

    body = response.content.decode()
    token = re.search(r'<code class="copyable">([A-Za-z0-9_\-]{40,})</code>', body).group(1)
    row = OpenReferralToken.objects.get()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert (row.partner, row.token_digest) == ("Mass 211", token_digest(token))
    assert token not in admin_a.get(OPENREFERRAL).content.decode()
    assert token not in caplog.text
    assert "not in token mode yet" in body
    assert audits("directory.openreferraltoken") == [("create", {"fields": ["partner"]})]


def test_a_token_without_a_partner_name_is_refused(admin_a):
    response = admin_a.post(ISSUE, {"partner": "   "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not OpenReferralToken.objects.exists()


def test_revoking_a_token_of_the_practice(admin_a, practice_a):
    row = connection_rows_token(practice_a)

    response = admin_a.post(revoke_url(row))

    row.refresh_from_db()
    assert (response.status_code, row.revoked_at is not None) == (302, True)
    assert audits("directory.openreferraltoken") == [("update", {"fields": ["revoked_at"]})]
    assert "Revoked" in admin_a.get(OPENREFERRAL).content.decode()


def test_another_practices_token_is_404_and_stays(admin_a, practice_b):
    row = connection_rows_token(practice_b)

    response = admin_a.post(revoke_url(row))

    row.refresh_from_db()
    assert (response.status_code, row.revoked_at) == (404, None)
    assert "Mass 211" not in response.content.decode()


def test_the_tokens_of_another_practice_are_not_listed(admin_a, practice_b):
    connection_rows_token(practice_b)

    assert "Mass 211" not in admin_a.get(OPENREFERRAL).content.decode()


# --- partner FHIR endpoints ----------------------------------------------------------------


def add(client, organization, **fields):
    data = {
        "organization": organization.pk,
        "base_url": "https://fhir.pantry.example/r4/",
        "token_env": "MEDHOME_PARTNER_PANTRY",
        "notify_secret_env": "",
    }
    return client.post(ENDPOINTS, {**data, **fields})


def test_an_admin_adds_an_endpoint_for_a_referred_organization(admin_a, referral_a):
    response = add(admin_a, referral_a.organization)

    endpoint = PartnerEndpoint.objects.get()
    assert (response.status_code, response["Location"]) == (302, ENDPOINTS)
    assert (endpoint.organization, endpoint.base_url, endpoint.token_env, endpoint.is_active) == (
        referral_a.organization,
        "https://fhir.pantry.example/r4",
        "MEDHOME_PARTNER_PANTRY",
        True,
    )
    assert audits("exchange.partnerendpoint") == [
        ("create", {"fields": ["base_url", "notify_secret_env", "token_env"]})
    ]


def test_a_partner_organization_is_offered_too(admin_a, practice_a, staff_a):
    organization = factories.organization("Legal Aid")
    PracticePartner.objects.create(
        practice=practice_a, organization=organization, updated_at=clock.now()
    )

    response = admin_a.get(ENDPOINTS)

    choices = list(response.context["form"].fields["organization"].queryset)
    assert choices == [organization]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"base_url": "http://fhir.pantry.example/r4"}, "base_url", "must use https://"),
        ({"base_url": "ftp://fhir.pantry.example"}, "base_url", "starting with https://"),
        ({"base_url": "https://u:p@fhir.pantry.example"}, "base_url", "a user name, a password"),
        ({"base_url": "https://fhir.pantry.example/?x=1"}, "base_url", "a query"),
        ({"base_url": "https://fhir.pantry.example:99999"}, "base_url", "port"),
        ({"base_url": "https://169.254.169.254/fhir"}, "base_url", "private or reserved network"),
        ({"base_url": "https://10.0.0.5/fhir"}, "base_url", "private or reserved network"),
        ({"base_url": "https://[fd00::5]/fhir"}, "base_url", "private or reserved network"),
        ({"token_env": "DATABASE_URL"}, "token_env", "starting with MEDHOME_PARTNER_"),
        ({"token_env": "MEDHOME_PARTNER_"}, "token_env", "starting with MEDHOME_PARTNER_"),
        ({"notify_secret_env": "SECRET_KEY"}, "notify_secret_env", "MEDHOME_PARTNER_"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    admin_a, referral_a, fields, field, message
):
    response = add(admin_a, referral_a.organization, **fields)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not PartnerEndpoint.objects.exists()
    assert audits("exchange.partnerendpoint") == []


def test_plain_http_to_the_loopback_is_allowed_only_locally(admin_a, referral_a):
    with override_settings(IS_LOCAL=False):
        refused = add(admin_a, referral_a.organization, base_url="http://127.0.0.1:8099/fhir")
    allowed = add(admin_a, referral_a.organization, base_url="http://127.0.0.1:8099/fhir")

    assert (refused.status_code, allowed.status_code) == (400, 302)
    assert PartnerEndpoint.objects.get().base_url == "http://127.0.0.1:8099/fhir"


def test_a_configured_secret_name_may_be_named(admin_a, referral_a, settings):
    settings.MEDHOME_EXCHANGE = {"secrets": {"PANTRY": "s3cret"}}

    response = add(admin_a, referral_a.organization, token_env="PANTRY")

    assert response.status_code == 302
    assert (
        endpoints.status_of(
            endpoints.Actor(user=None, practice=referral_a.practice, role="x"),
            PartnerEndpoint.objects.get(),
        ).token_set
        is True
    )


def test_an_organization_of_another_practice_cannot_be_added(admin_a, referral_b):
    response = add(admin_a, referral_b.organization)

    assert response.status_code == 400
    assert "Select a valid choice." in " ".join(response.context["form"].errors["organization"])
    assert not PartnerEndpoint.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.CARE_COORDINATOR, Role.COMMUNITY_HEALTH_WORKER, Role.PEDIATRICIAN]
)
def test_roles_without_users_manage_are_refused(log_in, staff_a, practice_a, referral_a, role):
    client = log_in(staff_a[role], practice_a)
    endpoint = connection_rows(referral_a)["endpoint"]
    detail = reverse("connections:endpoint", kwargs={"endpoint_id": endpoint.pk})
    active = reverse("connections:endpoint_active", kwargs={"endpoint_id": endpoint.pk})

    statuses = (
        client.get(ENDPOINTS).status_code,
        add(client, referral_a.organization).status_code,
        client.get(detail).status_code,
        client.post(detail, {"base_url": "https://evil.example", "token_env": "X"}).status_code,
        client.post(active, {"active": "no"}).status_code,
    )

    endpoint.refresh_from_db()
    assert statuses == (403, 403, 403, 403, 403)
    assert (endpoint.base_url, endpoint.is_active) == ("https://fhir.partner.example/r4", True)


def test_an_admin_edits_an_endpoint_only_its_practice_uses(admin_a, referral_a):
    endpoint = connection_rows(referral_a)["endpoint"]
    detail = reverse("connections:endpoint", kwargs={"endpoint_id": endpoint.pk})

    response = admin_a.post(
        detail,
        {
            "base_url": "https://fhir2.partner.example/r4",
            "token_env": endpoint.token_env,
            "notify_secret_env": "MEDHOME_PARTNER_NOTIFY",
        },
    )

    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert (endpoint.base_url, endpoint.notify_secret_env) == (
        "https://fhir2.partner.example/r4",
        "MEDHOME_PARTNER_NOTIFY",
    )
    assert audits("exchange.partnerendpoint") == [
        ("update", {"fields": ["base_url", "notify_secret_env"]})
    ]


def test_an_operator_set_secret_name_is_kept_on_edit(admin_a, referral_a):
    endpoint = connection_rows(referral_a)["endpoint"]
    PartnerEndpoint.objects.filter(pk=endpoint.pk).update(token_env="PANTRY_TOKEN")
    detail = reverse("connections:endpoint", kwargs={"endpoint_id": endpoint.pk})

    kept = admin_a.post(detail, {"base_url": endpoint.base_url, "token_env": "PANTRY_TOKEN"})
    other = admin_a.post(detail, {"base_url": endpoint.base_url, "token_env": "OTHER_TOKEN"})

    endpoint.refresh_from_db()
    assert (kept.status_code, other.status_code, endpoint.token_env) == (302, 400, "PANTRY_TOKEN")


def test_an_endpoint_other_practices_use_can_only_be_switched_off(
    admin_a, referral_a, child_b, caregiver_b, clinician_b
):
    factories.sent_referral(child_b, caregiver_b, clinician_b, referral_a.organization)
    endpoint = connection_rows(referral_a)["endpoint"]
    detail = reverse("connections:endpoint", kwargs={"endpoint_id": endpoint.pk})
    active = reverse("connections:endpoint_active", kwargs={"endpoint_id": endpoint.pk})

    page = admin_a.get(detail)
    edited = admin_a.post(detail, {"base_url": "https://evil.example", "token_env": "X"})
    off = admin_a.post(active, {"active": "no"})
    on = admin_a.post(active, {"active": "yes"}, follow=True)

    endpoint.refresh_from_db()
    assert "the server's operator changes it" in page.content.decode()
    assert 'name="base_url"' not in page.content.decode()
    assert (edited.status_code, off.status_code) == (400, 302)
    assert "Other practices refer to this organization too" in on.content.decode()
    assert (endpoint.base_url, endpoint.is_active) == ("https://fhir.partner.example/r4", False)
    assert audits("exchange.partnerendpoint") == [
        ("update", {"fields": ["is_active"], "is_active": False})
    ]


def test_switching_off_and_on_again(admin_a, referral_a):
    endpoint = connection_rows(referral_a)["endpoint"]
    active = reverse("connections:endpoint_active", kwargs={"endpoint_id": endpoint.pk})

    admin_a.post(active, {"active": "no"})
    admin_a.post(active, {"active": "yes"})
    bad = admin_a.post(active, {"active": "maybe"})

    endpoint.refresh_from_db()
    assert (endpoint.is_active, bad.status_code) == (True, 302)
    assert [d["is_active"] for _, d in audits("exchange.partnerendpoint")] == [False, True]


def test_another_practices_endpoint_is_404(admin_a, referral_b):
    endpoint = connection_rows(referral_b)["endpoint"]
    detail = reverse("connections:endpoint", kwargs={"endpoint_id": endpoint.pk})
    active = reverse("connections:endpoint_active", kwargs={"endpoint_id": endpoint.pk})

    statuses = (
        admin_a.get(detail).status_code,
        admin_a.post(detail, {"base_url": "https://evil.example", "token_env": "X"}).status_code,
        admin_a.post(active, {"active": "no"}).status_code,
    )

    endpoint.refresh_from_db()
    assert statuses == (404, 404, 404)
    assert endpoint.is_active is True
    assert "Riverbend" not in admin_a.get(ENDPOINTS).content.decode()


def test_the_status_counts_only_the_practices_own_referrals(
    admin_a, referral_a, child_b, caregiver_b, clinician_b
):
    endpoint = connection_rows(referral_a)["endpoint"]
    referral_b = factories.sent_referral(child_b, caregiver_b, clinician_b, referral_a.organization)
    now = clock.now()
    RemoteTask.objects.create(
        referral=referral_a,
        endpoint=endpoint,
        state=RemoteState.SENT,
        sent_at=now,
        last_polled_at=now,
        failures=1,
        last_problem="GET answered 503",
        last_problem_at=now,
    )
    RemoteTask.objects.create(
        referral=referral_b,
        endpoint=endpoint,
        last_problem="POST answered 500",
        last_problem_at=now,
    )

    response = admin_a.get(ENDPOINTS)

    [(row, status)] = response.context["rows"]
    body = response.content.decode()
    assert (status.sent, status.open, status.waiting, status.failing) == (1, 1, 0, 1)
    assert (status.last_problem, status.last_polled_at, status.shared) == (
        "GET answered 503",
        now,
        True,
    )
    assert "1 referral sent" in body and "GET answered 503" in body
    assert "POST answered 500" not in body
    assert "Token secret: not set on the server" in body
