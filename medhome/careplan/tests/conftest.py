"""The project's cast (tests/conftest.py) plus a care plan for practice A's child."""

from datetime import UTC, datetime

import pytest

from medhome.accounts.roles import Role
from medhome.careplan import services
from medhome.careplan.models import CarePlan
from medhome.core.actor import Actor
from medhome.portal import links
from medhome.portal.models import Purpose
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
from tests.factories import actor_for

# A Wednesday, noon in Boston.
MOMENT = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


@pytest.fixture
def coordinator(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


@pytest.fixture
def clinician_b_actor(clinician_b, practice_b) -> Actor:
    return actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)


@pytest.fixture
def plan_a(coordinator, child_a) -> CarePlan:
    return services.ensure_plan(actor=coordinator, child=child_a, at=MOMENT)


@pytest.fixture
def plan_b(clinician_b_actor, child_b) -> CarePlan:
    return services.ensure_plan(actor=clinician_b_actor, child=child_b, at=MOMENT)


@pytest.fixture
def family_link(coordinator, plan_a, caregiver_a):
    """(link, token) for Marisol, whose language is Spanish."""
    return links.issue_link(
        actor=coordinator,
        purpose=Purpose.CARE_PLAN,
        child=plan_a.child,
        caregiver=caregiver_a,
        at=MOMENT,
    )
