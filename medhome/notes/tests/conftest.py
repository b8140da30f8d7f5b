from datetime import UTC, datetime

import pytest

from medhome.accounts.roles import Role
from medhome.core.actor import Actor
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
from tests.factories import actor_for

# A Wednesday, noon in Boston.
MOMENT = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


@pytest.fixture
def nurse(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.NURSE], practice_a, Role.NURSE)


@pytest.fixture
def coordinator(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)
