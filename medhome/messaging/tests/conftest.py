"""The project's cast of actors (tests/conftest.py), and what every messaging test shares: an
empty in-memory gateway before and after each test, and a care coordinator."""

import pytest

from medhome.accounts.roles import Role
from medhome.messaging.gateways import locmem
from tests import factories
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)


@pytest.fixture(autouse=True)
def _clean_gateway():
    locmem.reset()
    yield
    locmem.reset()


@pytest.fixture
def coordinator(practice_a):
    return factories.make_staff(
        "cc", practice_a, Role.CARE_COORDINATOR, first_name="Priya", last_name="Ramanathan"
    )
