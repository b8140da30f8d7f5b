"""The birth stay's discharge (HL7 A03) sets the child's birth-hospital discharge date, which
times the first-week visit (docs/clinical-rules.md#visit-windows window table; issue 14)."""

from datetime import UTC, date, datetime

import pytest

from medhome.audit.models import AuditEvent
from medhome.events import services
from medhome.families.models import Child
from tests import factories

from .test_events import adt

AT = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
BORN = date(2026, 3, 10)


@pytest.fixture
def newborn(family_a):
    return factories.add_child(
        family_a, legal_given_name="Aurelio", mrn="NB-2026", date_of_birth=BORN
    )


def _receive(practice, **fields):
    values = {"mrn": "NB-2026", "name": "García^Aurelio", "dob": "20260310", "klass": "I"}
    return services.receive_hl7(practice=practice, raw=adt(**{**values, **fields}), at=AT)


def test_the_birth_stays_a03_records_the_discharge_date(practice_a, newborn):
    _receive(practice_a, event="A01", control="B1", visit="NB1", start="20260310064500")
    _receive(
        practice_a,
        event="A03",
        control="B2",
        visit="NB1",
        start="20260310064500",
        end="20260312110000",
    )

    newborn.refresh_from_db()
    assert newborn.birth_discharged_on == date(2026, 3, 12)
    assert AuditEvent.objects.filter(
        object_type="child", object_id=str(newborn.pk), detail__source="hospital feed"
    ).exists()


def test_an_a03_alone_of_a_stay_from_the_day_after_birth_counts(practice_a, newborn):
    _receive(
        practice_a,
        event="A03",
        control="B3",
        visit="NB2",
        start="20260311013000",
        end="20260312090000",
    )

    assert Child.objects.get(pk=newborn.pk).birth_discharged_on == date(2026, 3, 12)


def test_a_later_stay_is_not_the_birth_stay(practice_a, newborn, settings):
    settings.MEDHOME_EVENTS = {"birth_stay_starts_within_days": 1}
    _receive(
        practice_a,
        event="A03",
        control="B4",
        visit="NB3",
        start="20260312100000",
        end="20260313090000",
    )

    assert Child.objects.get(pk=newborn.pk).birth_discharged_on is None


def test_the_birth_stay_window_is_a_setting(practice_a, newborn, settings):
    settings.MEDHOME_EVENTS = {"birth_stay_starts_within_days": 2}
    _receive(
        practice_a,
        event="A03",
        control="B5",
        visit="NB4",
        start="20260312100000",
        end="20260313090000",
    )

    assert Child.objects.get(pk=newborn.pk).birth_discharged_on == date(2026, 3, 13)


def test_an_older_childs_discharge_changes_nothing(practice_a, child_a):
    services.receive_hl7(
        practice=practice_a,
        raw=adt("A03", "B6", klass="I", visit="IP77", end="20260313100000"),
        at=AT,
    )

    assert Child.objects.get(pk=child_a.pk).birth_discharged_on is None
