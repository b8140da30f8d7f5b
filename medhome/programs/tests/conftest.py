from datetime import UTC, date, datetime, timedelta

import pytest

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.programs import services
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
from tests.factories import actor_for, add_child

# A Wednesday, noon in Boston.
MOMENT = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)
TODAY = date(2026, 3, 4)


def role_actor(staff_a, practice_a, role: str) -> Actor:
    return actor_for(staff_a[role], practice_a, role)


@pytest.fixture
def admin(staff_a, practice_a) -> Actor:
    return role_actor(staff_a, practice_a, Role.PRACTICE_ADMIN)


@pytest.fixture
def specialist(staff_a, practice_a) -> Actor:
    return role_actor(staff_a, practice_a, Role.FAMILY_SPECIALIST)


@pytest.fixture
def chw(staff_a, practice_a) -> Actor:
    return role_actor(staff_a, practice_a, Role.COMMUNITY_HEALTH_WORKER)


@pytest.fixture
def pediatrician(staff_a, practice_a) -> Actor:
    return role_actor(staff_a, practice_a, Role.PEDIATRICIAN)


@pytest.fixture
def nurse(staff_a, practice_a) -> Actor:
    return role_actor(staff_a, practice_a, Role.NURSE)


@pytest.fixture
def programs_a(admin):
    """The practice runs every shipped program."""
    from medhome.programs.definitions import catalogue

    return {
        key: services.add_program(actor=admin, definition=key, at=MOMENT) for key in catalogue()
    }


@pytest.fixture
def infant_a(family_a):
    """A 4-month-old on the panel (born 2025-11-04)."""
    return add_child(
        family_a, legal_given_name="Luna", mrn="LUNA-4M", date_of_birth=date(2025, 11, 4)
    )


@pytest.fixture
def baby(family_a):
    """Four months old on the real clock's today (the pages date things today), in a
    Spanish-speaking family."""
    return add_child(
        family_a,
        legal_given_name="Nube",
        mrn="NUBE-4M",
        date_of_birth=clock.today() - timedelta(days=122),
        preferred_language="es",
    )


@pytest.fixture
def toddler(family_a):
    return add_child(
        family_a,
        legal_given_name="Sol",
        mrn="SOL-1",
        date_of_birth=clock.today() - timedelta(days=400),
        preferred_language="es",
    )


@pytest.fixture
def specialist_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.FAMILY_SPECIALIST], practice_a)


def enrolled(actor: Actor, program, child, *, on: date = TODAY, **extra):
    """The child enrolled in the program on `on` with the family's spoken agreement."""
    return services.enrol(
        actor=actor, program=program, child=child, on=on, at=MOMENT, agreement="spoken", **extra
    )
