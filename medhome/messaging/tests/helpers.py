"""Shared set-up of the messaging tests: a family with consent, a booked visit, fixed times."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from medhome.families.models import Caregiver
from medhome.messaging.gateways import locmem
from medhome.messaging.models import ConsentMethod
from medhome.messaging.services.common import system_actor
from medhome.messaging.services.consents import record_consent
from tests import factories

ZONE = ZoneInfo("America/New_York")
# Monday 9 March 2026, 9 am; the visit is on Tuesday at 9:20.
AT = datetime(2026, 3, 9, 9, 0, tzinfo=ZONE)
DAY = date(2026, 3, 9)
VISIT_AT = "2026-03-10 09:20:00-04:00"
INFANT = date(2026, 1, 5)  # two months old at the visit: the caregiver's screen is due


def consent(caregiver: Caregiver, *channels: str, granted: bool = True) -> None:
    for channel in channels:
        record_consent(
            actor=system_actor(caregiver.practice),
            caregiver=caregiver,
            channel=channel,
            granted=granted,
            method=ConsentMethod.VERBAL,
            at=AT.replace(year=2025),
        )


def family(practice, *, born: date = INFANT, mrn: str = "M-1", windows=None, **caregiver):
    values = factories.caregiver_values(**caregiver)
    _family, child, carer = factories.register(
        practice,
        child=factories.child_values(date_of_birth=born, mrn=mrn),
        caregiver=values,
        windows=windows,
    )
    return child, carer


def clear_gateway() -> None:
    locmem.reset()
