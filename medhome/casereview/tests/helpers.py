"""Rows behind each reason, at chosen moments (the services would stamp the clock)."""

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from medhome.events.models import CareEvent, EventKind, Source
from medhome.families.models import Child
from medhome.referrals.models import Referral
from medhome.tasks.services import open_task
from medhome.visits.models import Visit, VisitStatus
from tests import factories

NOW = datetime(2026, 6, 10, 15, 0, tzinfo=timezone.get_fixed_timezone(-240))
_keys = count()


def tasks(child: Child, n: int, *, at: datetime = NOW) -> None:
    for _ in range(n):
        open_task(
            practice=child.practice,
            child=child,
            kind="family_unreachable",
            due_at=at + timedelta(days=1),
            source_type="message",
            source_id="",
            dedupe_key=f"test:{next(_keys)}",
            at=at - timedelta(days=2),
        )


def missed_visit(
    child: Child,
    *,
    days_ago: float,
    status: str = VisitStatus.NO_SHOW,
    now: datetime = NOW,
    **extra,
) -> Visit:
    return Visit.objects.create(
        practice=child.practice,
        child=child,
        starts_at=now - timedelta(days=days_ago),
        kind="well_child",
        status=status,
        created_at=now - timedelta(days=days_ago + 10),
        **extra,
    )


def ed_visit(child: Child, *, started_at: datetime, retracted: bool = False) -> CareEvent:
    return CareEvent.objects.create(
        practice=child.practice,
        child=child,
        kind=EventKind.EMERGENCY,
        started_at=started_at,
        source=Source.MANUAL,
        retracted=retracted,
        created_at=started_at,
    )


def sent_referral(child: Child, caregiver, user, *, requested_at: datetime, **changes) -> Referral:
    referral = factories.sent_referral(
        child, caregiver, user, factories.organization(f"Pantry {next(_keys)}")
    )
    Referral.objects.filter(pk=referral.pk).update(requested_at=requested_at, **changes)
    referral.refresh_from_db()
    return referral


def another_family(practice, name: str = "Nguyen family"):
    family, child, caregiver = factories.register(
        practice,
        family_name=name,
        child=factories.child_values(
            legal_given_name="Linh", legal_family_name="Nguyen", mrn=f"N-{next(_keys)}"
        ),
        caregiver=factories.caregiver_values(given_name="Mai", family_name="Nguyen"),
    )
    return family, child, caregiver
