"""The project's cast plus the actors and rows of parent groups."""

import pytest

from medhome.accounts.roles import Role
from medhome.core.actor import Actor
from tests import parentgroup_factories as pg
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
from tests.factories import actor_for


@pytest.fixture
def partner(staff_a, practice_a) -> Actor:
    """The parent partner: runs groups, opens no chart."""
    return actor_for(staff_a[Role.PARENT_PARTNER], practice_a, Role.PARENT_PARTNER)


@pytest.fixture
def circle(staff_a, practice_a):
    return pg.group(practice_a, staff_a[Role.PARENT_PARTNER])


@pytest.fixture
def circle_b(practice_b, clinician_b):
    return pg.group(practice_b, clinician_b, name="Riverbend readers")


@pytest.fixture
def coordinator(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)
