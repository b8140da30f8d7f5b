"""The project's cast (tests/conftest.py), a toddler, an organization per new need, and a way
to score a form."""

from datetime import date

import pytest

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.screening import services as screening
from medhome.screening.models import Mode
from tests.conftest import *  # noqa: F403  (the project's cast of fixtures)
from tests.factories import actor_for, add_child

MCHAT_AT_RISK_YES = {2, 5, 12}  # M-CHAT-R: YES is at risk on these items, NO on the rest


def mchat_answers(at_risk: int) -> dict[str, str]:
    from medhome.instruments.catalog._common import NO, YES

    answers = {}
    for n in range(1, 21):
        risky = YES if n in MCHAT_AT_RISK_YES else NO
        safe = NO if n in MCHAT_AT_RISK_YES else YES
        answers[str(n)] = risky if n <= at_risk else safe
    return answers


@pytest.fixture
def toddler_a(family_a):
    return add_child(
        family_a, legal_given_name="Inés", mrn="IG-1818", date_of_birth=date(2025, 5, 20)
    )


@pytest.fixture
def pediatrician(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)


@pytest.fixture
def coordinator(staff_a, practice_a) -> Actor:
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


@pytest.fixture
def chw(staff_a, practice_a) -> Actor:
    return actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )


def score(actor: Actor, child, choice: str, answers: dict[str, str], caregiver=None):
    """A form entered by staff from paper and submitted."""
    administration = screening.start_administration(
        actor=actor,
        child=child,
        choice=choice,
        mode=Mode.STAFF_ENTRY,
        caregiver=caregiver,
        override_reason="Given for the test of next steps",
        at=clock.now(),
    )
    return screening.save_answers(
        actor=actor, administration=administration, answers=answers, submit=True, at=clock.now()
    )


@pytest.fixture
def mchat_high(pediatrician, toddler_a, caregiver_a):
    return score(pediatrician, toddler_a, "mchat_r:caregiver", mchat_answers(9), caregiver_a)


def directory_service(name: str, need: str):
    """An organization offering `need`, in the directory's search columns."""
    from medhome.directory.models import Organization, Service
    from medhome.directory.models.search import SearchNeed, ServiceSearch

    organization = Organization.objects.create(name=name)
    service = Service.objects.create(organization=organization, name=f"{name} service")
    search = ServiceSearch.objects.create(
        service=service, organization=organization, name=service.name, needs=need
    )
    SearchNeed.objects.create(search=search, need=need)
    return organization


@pytest.fixture
def clinician_b_actor(clinician_b, practice_b) -> Actor:
    return actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
