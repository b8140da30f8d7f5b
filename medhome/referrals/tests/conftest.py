"""The project's cast (tests/conftest.py) plus community organizations and their staff."""

from datetime import UTC, datetime

import pytest

from medhome.accounts.roles import PARTNER_CAPABILITIES, Role
from medhome.core.actor import Actor
from medhome.directory.models import Organization, PracticePartner, Service
from medhome.referrals.models import PartnerMembership
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
from tests.factories import actor_for, make_user

# A Wednesday, noon in Boston.
MOMENT = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


def partner_actor(user, organization) -> Actor:
    return Actor(
        user=user,
        organization=organization,
        role="partner_staff",
        capabilities=PARTNER_CAPABILITIES,
    )


@pytest.fixture
def food_bank(db) -> Organization:
    return Organization.objects.create(name="Eastie Community Food Bank", email="help@food.example")


@pytest.fixture
def pantry_service(food_bank) -> Service:
    return Service.objects.create(organization=food_bank, name="Weekly family pantry")


@pytest.fixture
def legal_aid(db) -> Organization:
    return Organization.objects.create(name="Harbor Legal Aid")


@pytest.fixture
def coordinator(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


@pytest.fixture
def front_desk(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)


@pytest.fixture
def clinician_b_actor(clinician_b, practice_b) -> Actor:
    return actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)


@pytest.fixture
def food_bank_staff(food_bank) -> Actor:
    user = make_user("fb-staff", first_name="Nadia", last_name="Osei")
    PartnerMembership.objects.create(user=user, organization=food_bank)
    return partner_actor(user, food_bank)


@pytest.fixture
def legal_aid_staff(legal_aid) -> Actor:
    user = make_user("la-staff", first_name="Theo", last_name="Marchetti")
    PartnerMembership.objects.create(user=user, organization=legal_aid)
    return partner_actor(user, legal_aid)


@pytest.fixture
def on_site_legal_aid(legal_aid, practice_a) -> PracticePartner:
    return PracticePartner.objects.create(
        practice=practice_a, organization=legal_aid, on_site=True, updated_at=MOMENT
    )
