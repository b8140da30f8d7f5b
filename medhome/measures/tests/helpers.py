from datetime import date, datetime, time

from django.utils import timezone

from medhome.screening.models import Administration
from medhome.visits.models import Visit
from tests import factories

_serial = iter(range(1, 10**6))


def child(family, born: date, **overrides):
    n = next(_serial)
    return factories.add_child(
        family, legal_given_name=f"M{n}", mrn=f"MS-{n:06d}", date_of_birth=born, **overrides
    )


def visit(child, day: date, *, kind="well_child", modality="in_person", status="completed"):
    at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return Visit.objects.create(
        practice_id=child.practice_id,
        child=child,
        starts_at=at,
        kind=kind,
        modality=modality,
        status=status,
        created_at=at,
    )


def screen(child, day: date, *, key="asq3", status="scored"):
    at = timezone.make_aware(datetime.combine(day, time(10, 0)))
    return Administration.objects.create(
        practice_id=child.practice_id,
        child=child,
        instrument_key=key,
        instrument_version="1",
        mode="tablet",
        respondent="caregiver",
        language="en",
        status=status,
        started_at=at,
        updated_at=at,
        submitted_at=at,
        administered_on=day,
    )
