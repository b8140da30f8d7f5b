"""The project's cast of actors (tests/conftest.py)."""

import pytest

from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.exchange.models import PartnerEndpoint
from tests import factories
from tests.conftest import *  # noqa: F403

from .fixture_server import FhirFixture

SECRETS = {"PARTNER_TOKEN": "partner-token", "PARTNER_NOTIFY": "notify-secret"}


@pytest.fixture
def fixture_server():
    server = FhirFixture().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.MEDHOME_EXCHANGE = {"secrets": SECRETS, "timeout": 5, "poll_every_minutes": 15}


@pytest.fixture
def pantry():
    return factories.organization("Eastside Food Pantry")


@pytest.fixture
def endpoint(pantry, fixture_server):
    return PartnerEndpoint.objects.create(
        organization=pantry,
        base_url=fixture_server.base_url,
        token_env="PARTNER_TOKEN",
        notify_secret_env="PARTNER_NOTIFY",
    )


@pytest.fixture
def coordinator(staff_a):
    return staff_a[Role.CARE_COORDINATOR]


@pytest.fixture
def coordinator_actor(coordinator, practice_a):
    role = Role.CARE_COORDINATOR
    return Actor(
        user=coordinator, practice=practice_a, role=role, capabilities=capabilities_of(role)
    )
