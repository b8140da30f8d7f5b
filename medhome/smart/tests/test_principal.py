"""The bearer token → principal: scopes, practice, role re-read, expiry and revocation."""

import pytest
from django.test import RequestFactory
from oauth2_provider.models import AccessToken

from medhome.practices.models import Membership
from medhome.smart.principal import principal_for
from medhome.smart.scopes import parse_scopes
from medhome.smart.validator import token_checksum
from tests.fhir_support import issue_token


def request_with(token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return RequestFactory().get("/fhir/Patient", **headers)


def test_v2_and_v1_scopes_are_read_and_unknown_ones_dropped():
    scopes = parse_scopes(
        "patient/Observation.rs user/*.cruds system/Patient.read launch openid "
        "user/Observation.rs?category=laboratory patient/observation.rs user/Patient.x"
    )
    assert scopes.allows("patient", "Observation", "r")
    assert scopes.allows("patient", "Observation", "s")
    assert not scopes.allows("patient", "Observation", "c")
    assert scopes.allows("user", "Task", "u")
    assert scopes.allows("system", "Patient", "s")
    assert not scopes.allows("system", "Patient", "c")
    assert len(scopes.resources) == 3  # granular, lower-case type and bad letters refused
    assert scopes.other == {"launch", "openid"}


@pytest.mark.django_db
def test_a_user_token_acts_in_its_practice_with_the_current_role(clinician_a, practice_a, child_a):
    token = issue_token(
        scope="patient/Observation.rs", user=clinician_a, practice=practice_a, patient=child_a
    )
    principal = principal_for(request_with(token))
    assert principal is not None
    assert principal.kind == "user"
    assert principal.actor.practice == practice_a
    assert principal.only_patient("Observation", "r") == child_a.pk
    assert not principal.allows("Patient", "r")

    Membership.objects.filter(user=clinician_a, practice=practice_a).update(is_active=False)
    assert principal_for(request_with(token)) is None


@pytest.mark.django_db
def test_expired_revoked_and_unknown_tokens_are_no_one(clinician_a, practice_a):
    expired = issue_token(scope="user/*.rs", user=clinician_a, practice=practice_a, expires_in=-1)
    assert principal_for(request_with(expired)) is None
    assert principal_for(request_with("not-a-token")) is None
    assert principal_for(request_with(None)) is None

    live = issue_token(scope="user/*.rs", user=clinician_a, practice=practice_a)
    assert principal_for(request_with(live)) is not None
    AccessToken.objects.get(token_checksum=token_checksum(live)).revoke()
    assert principal_for(request_with(live)) is None


@pytest.mark.django_db
def test_a_backend_token_has_no_user_and_only_its_capabilities(practice_a):
    token = issue_token(scope="system/*.rs", practice=practice_a, capabilities=("chart.read",))
    principal = principal_for(request_with(token))
    assert principal is not None and principal.kind == "system"
    assert principal.actor.user is None
    assert principal.actor.capabilities == {"chart.read"}
    assert principal.only_patient("Patient", "s") is None


@pytest.mark.django_db
def test_the_principal_is_one_query_with_loaded_user_and_practice(
    clinician_a, practice_a, django_assert_num_queries
):
    token = issue_token(scope="user/*.rs", user=clinician_a, practice=practice_a)
    role = clinician_a.memberships.get(practice=practice_a).role
    with django_assert_num_queries(1):
        principal = principal_for(request_with(token))
        assert principal is not None
        # Loaded as the ORM loads them: no query for a field, values converted.
        assert principal.actor.user == clinician_a
        assert principal.actor.user.date_joined == clinician_a.date_joined
        assert str(principal.actor.user) == str(clinician_a)
        assert principal.actor.practice == practice_a
        assert principal.actor.practice.name == practice_a.name
        assert principal.actor.role == role
        assert principal.client_id


@pytest.mark.django_db
def test_a_role_change_or_an_inactive_user_takes_effect_on_the_next_request(
    clinician_a, practice_a, practice_b
):
    from medhome.accounts.roles import Role, capabilities_of

    token = issue_token(scope="user/*.rs", user=clinician_a, practice=practice_a)
    Membership.objects.filter(user=clinician_a, practice=practice_a).update(role=Role.FRONT_DESK)
    principal = principal_for(request_with(token))
    assert principal is not None and principal.actor.role == Role.FRONT_DESK
    assert principal.actor.capabilities == capabilities_of(Role.FRONT_DESK)

    # An active membership in another practice is not one in the token's practice.
    Membership.objects.filter(user=clinician_a, practice=practice_a).update(is_active=False)
    Membership.objects.get_or_create(
        user=clinician_a, practice=practice_b, defaults={"role": Role.PEDIATRICIAN}
    )
    assert principal_for(request_with(token)) is None

    Membership.objects.filter(user=clinician_a, practice=practice_a).update(is_active=True)
    assert principal_for(request_with(token)) is not None
    type(clinician_a).objects.filter(pk=clinician_a.pk).update(is_active=False)
    assert principal_for(request_with(token)) is None


@pytest.mark.django_db
def test_a_partner_token_acts_for_its_organization(practice_a):
    from medhome.directory.models import Organization

    organization = Organization.objects.create(name="Food Bank")
    token = issue_token(scope="system/Task.rs", organization=organization)
    principal = principal_for(request_with(token))
    assert principal is not None and principal.kind == "partner"
    assert principal.actor.organization == organization
    assert principal.actor.organization.name == "Food Bank"
    assert principal.actor.practice is None
