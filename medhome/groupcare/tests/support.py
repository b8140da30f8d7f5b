"""A group of six Spanish-speaking families with babies born in early September 2026, in
practice A, and the times the tests run at."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from medhome.accounts.roles import Role
from medhome.groupcare import services
from medhome.practices.models import Site
from tests import factories

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 2, 12, 0, tzinfo=ZONE)  # a Monday
SESSION = datetime(2026, 11, 16, 10, 0, tzinfo=ZONE)  # a Monday, the 2-month visit's window
AFTER = SESSION + timedelta(hours=1)
FIRST_BIRTH = date(2026, 9, 1)


def baby(practice, n: int, *, born: date | None = None, language: str = "es"):
    _family, child, _caregiver = factories.register(
        practice,
        family_name=f"Familia {n}",
        caregiver=factories.caregiver_values(
            given_name=f"Madre{n}",
            family_name=f"Apellido{n}",
            phone=f"+1617555{1000 + n}",
            preferred_language=language,
            is_birth_parent=True,
        ),
        child=factories.child_values(
            legal_given_name=f"Bebe{n}",
            legal_family_name=f"Apellido{n}",
            mrn=f"GC-{n}",
            date_of_birth=born or FIRST_BIRTH + timedelta(days=n),
            preferred_language=language,
        ),
        at=NOW,
    )
    return child


@pytest.fixture
def site_a(practice_a):
    return Site.objects.create(practice=practice_a, name="Main Street", zip_code="02128")


@pytest.fixture
def runner(practice_a, staff_a):
    return factories.actor_for(staff_a[Role.NURSE], practice_a, Role.NURSE)


@pytest.fixture
def babies(practice_a):
    return [baby(practice_a, n) for n in range(6)]


@pytest.fixture
def cohort(runner, site_a, clinician_a, staff_a, babies):
    return services.form_cohort(
        actor=runner,
        name="Grupo de septiembre",
        site=site_a,
        language="es",
        born_from=FIRST_BIRTH,
        born_to=FIRST_BIRTH + timedelta(days=20),
        facilitator_id=clinician_a.pk,
        co_facilitator_id=staff_a[Role.FAMILY_SPECIALIST].pk,
        children=babies,
        at=NOW,
    )


def schedule(runner, cohort, **extra):
    values = {
        "visit_key": "2mo",
        "starts_at": SESSION,
        "duration_minutes": 120,
        "place": "Community room",
        "topics": "Sleep\nFeeding",
        "at": NOW,
    } | extra
    return services.schedule_session(actor=runner, cohort=cohort, **values)
