"""Fixtures of the screening tests: a frozen day, practice A's infant, a coordinator, a link."""

from datetime import timedelta

import pytest
import time_machine

from medhome.accounts.roles import Role

from .. import factories
from .support import NOW, TODAY, send_link


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def infant_a(family_a):
    return factories.add_child(
        family_a, legal_given_name="Tomás", mrn="TG-2001", date_of_birth=TODAY - timedelta(days=62)
    )


@pytest.fixture
def coordinator_a(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


@pytest.fixture
def phq9_link(coordinator_a, infant_a, caregiver_a):
    response, path = send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"])
    assert response.status_code == 200, response.content.decode()[:2000]
    return path
