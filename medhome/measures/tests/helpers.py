import uuid
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
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


def at(day: date, hour: int = 10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def visit(child, day: date, *, kind="well_child", modality="in_person", status="completed"):
    moment = at(day)
    return Visit.objects.create(
        practice_id=child.practice_id,
        child=child,
        starts_at=moment,
        kind=kind,
        modality=modality,
        status=status,
        created_at=moment,
    )


def screen(
    child,
    day: date,
    *,
    key="asq3",
    status="scored",
    respondent="caregiver",
    positive=False,
    domains=(),
    caregiver=None,
):
    moment = at(day)
    return Administration.objects.create(
        caregiver=caregiver,
        practice_id=child.practice_id,
        child=child,
        instrument_key=key,
        instrument_version="1",
        mode="tablet",
        respondent=respondent,
        language="en",
        status=status,
        started_at=moment,
        updated_at=moment,
        submitted_at=moment if status == "scored" else None,
        administered_on=day,
        positive=positive,
        positive_domains=list(domains),
    )


def _staff():
    user, _ = get_user_model().objects.get_or_create(username="measures-helper")
    return user


def _organization():
    from medhome.directory.models import Organization

    found = Organization.objects.filter(name="Measures Test Pantry").first()
    return found or Organization.objects.create(id=uuid.uuid4(), name="Measures Test Pantry")


def referral(
    child,
    created: date,
    *,
    need="food",
    sent: date | None = None,
    status="requested",
    closed: date | None = None,
    outcome="",
    closed_hour: int = 10,
):
    """A referral created on `created`, sent on `sent` (default: the same day unless draft),
    in `status`, closed on `closed` (terminal states)."""
    from medhome.referrals.models import Referral

    if sent is None and status != "draft":
        sent = created
    return Referral.objects.create(
        practice_id=child.practice_id,
        child=child,
        need=need,
        organization=_organization(),
        status=status,
        reason="test",
        created_by=_staff(),
        created_at=at(created, 9),
        requested_at=at(sent) if sent else None,
        closed_at=at(closed, closed_hour) if closed else None,
        outcome=outcome,
    )


def plan_action(child, screening, created: date, *, status="to_do"):
    from medhome.careplan.models import CarePlan, PlanAction

    moment = at(created)
    plan = CarePlan.objects.filter(child=child).first() or CarePlan.objects.create(
        practice_id=child.practice_id, child=child, created_at=moment, updated_at=moment
    )
    return PlanAction.objects.create(
        practice_id=child.practice_id,
        plan=plan,
        text="Food pantry list given",
        status=status,
        screening=screening,
        created_at=moment,
        updated_at=moment,
    )


def days(n: int) -> timedelta:
    return timedelta(days=n)
