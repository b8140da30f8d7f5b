"""A malformed id in a query string or a form body answers 400 with a plain sentence, never 500
(issue 14, "errors that answered 500")."""

import uuid

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role

pytestmark = pytest.mark.django_db


def assert_bad_request(response, name: str) -> None:
    assert response.status_code == 400
    assert f"“{name}” is not a valid id." in response.content.decode()


def test_new_referral_from_a_malformed_screen_id(client_a, child_a):
    url = reverse("referrals:start", args=[child_a.pk])
    assert_bad_request(client_a.get(url, {"from": "notauuid"}), "from")
    assert_bad_request(client_a.post(url, {"from": "notauuid", "need": "food"}), "from")


def test_new_referral_from_an_unknown_screen_is_not_found(client_a, child_a):
    url = reverse("referrals:start", args=[child_a.pk])
    assert client_a.get(url, {"from": str(uuid.uuid4())}).status_code == 404


@pytest.mark.parametrize("field", ["follows", "caregiver"])
def test_starting_a_screen_with_a_malformed_id(client_a, child_a, field):
    url = reverse("screening:start", args=[child_a.pk])
    response = client_a.post(url, {"instrument": "phq9:caregiver", "mode": "tablet", field: "x1"})
    assert_bad_request(response, field)


@pytest.mark.parametrize("by", ["site", "clinician"])
def test_measure_drill_down_with_a_malformed_group(log_in, staff_a, practice_a, by):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    url = reverse("measures:children", args=["w30_1"])
    assert_bad_request(client.get(url, {"by": by, "group": "notanid"}), "group")


def test_spanish_message(client_a, child_a):
    url = reverse("referrals:start", args=[child_a.pk])
    response = client_a.get(url, {"from": "notauuid"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "“from” no es un identificador válido." in response.content.decode()


# The child's screening tab, for every role of practice A: the roles that neither see results
# nor send forms get the same 403 for a real and a made-up child, never a NoReverseMatch.
SCREENING_TAB = {
    Role.PEDIATRICIAN: 200,
    Role.NURSE_PRACTITIONER: 200,
    Role.NURSE: 200,
    Role.CARE_COORDINATOR: 200,
    Role.COMMUNITY_HEALTH_WORKER: 200,
    Role.FAMILY_SPECIALIST: 200,
    Role.BEHAVIORAL_HEALTH: 200,
    Role.LEGAL_PARTNER: 403,
    Role.FRONT_DESK: 200,
    Role.PRACTICE_ADMIN: 403,
    Role.NETWORK_ANALYST: 403,
}


@pytest.mark.parametrize("role", list(SCREENING_TAB))
def test_screening_tab_by_role(log_in, staff_a, practice_a, child_a, role):
    client = log_in(staff_a[role], practice_a)
    response = client.get(reverse("screening:child", args=[child_a.pk]))
    assert response.status_code == SCREENING_TAB[role]
    made_up = client.get(reverse("screening:child", args=[uuid.uuid4()]))
    assert made_up.status_code == (404 if SCREENING_TAB[role] == 200 else 403)
