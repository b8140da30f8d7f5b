"""Community organizations see only the referrals sent to them, only while the family's consent
stands, and never a practice's pages (domain-reference §7; issue 4 "CBO isolation sweep")."""

import pytest
from django.urls import reverse

from medhome.audit.models import AuditEvent
from medhome.referrals.models import Referral, ReferralMessage

from . import factories
from .url_matrix import ROUTES, url_for

PARTNER_ROUTES = [(name, params) for name, params in ROUTES if name.startswith("referrals:partner")]
PRACTICE_ROUTES = [
    (name, params)
    for name, params in ROUTES
    if name.split(":")[0] in ("families", "screening", "referrals", "staff", "portal")
    and not name.startswith("referrals:partner")
    and "token" not in params  # the family's token pages, public by design
]


@pytest.fixture
def pantry(db):
    return factories.organization("Harbor Pantry")


@pytest.fixture
def legal_aid(db):
    return factories.organization("Harbor Legal Aid")


@pytest.fixture
def referral(child_a, caregiver_a, staff_a, pantry):
    from medhome.accounts.roles import Role

    return factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry, notes="Text after 5 pm"
    )


@pytest.fixture
def pantry_client(client, pantry):
    client.force_login(factories.partner_user("pantry", pantry, first_name="Pat", last_name="Lee"))
    return client


@pytest.fixture
def legal_client(client, legal_aid):
    user = factories.partner_user("legal", legal_aid, first_name="Lou", last_name="Ng")
    client.force_login(user)
    return client


def test_the_organization_sees_its_referral_with_only_what_was_consented(
    pantry_client, referral, child_a
):
    inbox = pantry_client.get(reverse("referrals:partner_inbox"))
    page = pantry_client.get(reverse("referrals:partner_detail", args=[referral.pk]))

    body = page.content.decode()
    assert referral.pk in [r.pk for r, _view in inbox.context["rows"]]
    assert "Text after 5 pm" in body and "Sofía" in body
    assert "Ran out of food this month" not in body  # the team's own words stay in the practice
    assert child_a.mrn not in body


@pytest.mark.parametrize(("name", "params"), PARTNER_ROUTES, ids=[n for n, _ in PARTNER_ROUTES])
def test_another_organization_reaches_nothing_on_any_partner_url(
    legal_client, referral, name, params
):
    url = url_for(name, params, {"referral": referral})
    before = (referral.version, ReferralMessage.objects.count())

    got = legal_client.get(url)
    posted = legal_client.post(url, {"to_status": "accepted", "body": "Hello"})

    referral.refresh_from_db()
    if params:  # GET-only and POST-only pages: the allowed method answers 404
        assert sorted([got.status_code, posted.status_code]) in ([404, 404], [404, 405])
    else:
        assert "Sofía" not in got.content.decode()
    assert (referral.version, ReferralMessage.objects.count()) == before


@pytest.mark.parametrize(("name", "params"), PRACTICE_ROUTES, ids=[n for n, _ in PRACTICE_ROUTES])
def test_an_organization_never_opens_a_practice_page(
    pantry_client, referral, child_a, caregiver_a, staff_a, name, params
):
    from medhome.accounts.roles import Role

    rows = {
        "child": child_a,
        "family": child_a.family,
        "caregiver": caregiver_a,
        "referral": referral,
        "membership": staff_a[Role.NURSE].memberships.get(),
        **factories.screening_with_alert(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN]),
    }
    url = url_for(name, params, rows)

    got = pantry_client.get(url)

    assert got.status_code in (302, 403, 405)
    if got.status_code == 302:
        assert "/practice/" in got["Location"] or "/partner/" in got["Location"]
    assert "García" not in got.content.decode()


def test_revoking_consent_ends_the_organizations_access_at_once(
    pantry_client, referral, log_in, staff_a, practice_a
):
    from medhome.accounts.roles import Role

    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    detail = reverse("referrals:partner_detail", args=[referral.pk])
    assert pantry_client.get(detail).status_code == 200

    coordinator.post(
        reverse("referrals:revoke", args=[referral.pk]), {"reason": "Family changed their mind"}
    )

    referral.refresh_from_db()
    assert pantry_client.get(detail).status_code == 404
    assert pantry_client.get(reverse("referrals:partner_inbox")).context["rows"] == []
    assert referral.status == "cancelled"


def test_the_organization_accepts_and_closes_the_loop_audited(pantry_client, referral):
    url = reverse("referrals:partner_change", args=[referral.pk])

    pantry_client.post(url, {"to_status": "accepted"})
    refused = pantry_client.post(url, {"to_status": "completed"})  # no outcome
    referral.refresh_from_db()
    status_after_refusal = referral.status
    pantry_client.post(
        url, {"to_status": "completed", "outcome": "need_met", "outcome_note": "Weekly pantry"}
    )

    referral.refresh_from_db()
    assert refused.status_code == 302 and status_after_refusal == "accepted"
    assert (referral.status, referral.outcome) == ("completed", "need_met")
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action="update").count() >= 2


def test_an_organization_user_lands_on_its_referrals(pantry_client, referral):
    response = pantry_client.get("/")

    assert response.status_code == 302 and response["Location"] == "/partner/referrals/"
    assert Referral.objects.count() == 1
