"""A community organization sees only what the family's consent lists: without "name", not even
the child's first name and initial, but a referral number both sides can quote (issue 14)."""

import html

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pantry(db):
    return factories.organization("Harbor Pantry")


@pytest.fixture
def pantry_client(client, pantry):
    client.force_login(factories.partner_user("pantry", pantry, first_name="Pat", last_name="Lee"))
    return client


def send(child, caregiver, user, organization, items):
    return factories.sent_referral(child, caregiver, user, organization, shared_items=tuple(items))


def partner_pages(client, referral) -> dict[str, str]:
    detail = reverse("referrals:partner_detail", args=[referral.pk])
    client.post(reverse("referrals:partner_message", args=[referral.pk]), {"body": "Called today"})
    return {
        "inbox": client.get(reverse("referrals:partner_inbox")).content.decode(),
        "detail (with messages)": client.get(detail).content.decode(),
    }


def test_without_name_consent_the_organization_sees_a_referral_number(
    pantry_client, child_a, caregiver_a, staff_a, pantry
):
    referral = send(
        child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry, ["need", "language"]
    )

    for page, body in partner_pages(pantry_client, referral).items():
        text = html.unescape(body)
        assert f"Referral {referral.number}" in text, page
        for secret in ("Sofía", "García", "S. G", "Sofía G."):
            assert secret not in text, (page, secret)


def test_with_name_consent_the_organization_sees_the_name(
    pantry_client, child_a, caregiver_a, staff_a, pantry
):
    referral = send(child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry, ["name", "need"])

    for page, body in partner_pages(pantry_client, referral).items():
        assert "Sofía García" in html.unescape(body), page


def test_the_practice_sees_the_same_number(client_a, child_a, caregiver_a, staff_a, pantry):
    referral = send(
        child_a, caregiver_a, staff_a[Role.CARE_COORDINATOR], pantry, ["need", "language"]
    )

    page = client_a.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert referral.number in page and referral.number.startswith("R-")
