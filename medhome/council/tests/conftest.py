from datetime import date, datetime

import pytest
from django.utils import timezone

from medhome.accounts.roles import Role
from tests import council_factories as cf
from tests import factories
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)

TODAY = date(2026, 12, 5)
AT = timezone.make_aware(datetime(2026, 12, 5, 10, 0))


@pytest.fixture
def partner(staff_a, practice_a):
    """The parent partner: council.manage, no chart.read."""
    return factories.actor_for(staff_a[Role.PARENT_PARTNER], practice_a, Role.PARENT_PARTNER)


@pytest.fixture
def council(practice_a):
    return cf.council(practice_a)


@pytest.fixture
def member(council):
    return cf.member(council, "Wilhelmina Thistlewood")
