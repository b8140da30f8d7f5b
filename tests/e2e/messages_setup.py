"""Run on the demo's database by test_messages_journey (through `manage.py shell`): a
Spanish-speaking family of the coordinator's practice, whose caregiver screen is due, agrees to
texts and has a well-child visit booked three days ahead — so the worker's sweep plans a Spanish
reminder carrying the pre-visit link whatever the day the demo was loaded on. Prints the child's
id; fails loudly when the demo holds no such family."""

from datetime import datetime, time, timedelta

from medhome.core import clock
from medhome.families.models import Child
from medhome.messaging.models import ConsentChannel, ConsentMethod
from medhome.messaging.services.common import system_actor
from medhome.messaging.services.consents import record_consent
from medhome.portal.links import default_caregiver
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Practice
from medhome.screening import due
from medhome.visits.models import Visit, VisitKind, VisitStatus

PRACTICE = "Riverside Community Pediatrics"


def caregiver_screen_due(child: Child, on) -> bool:  # type: ignore[no-untyped-def]
    return any(
        c.due and c.preselected and c.family_ok and c.respondent == "caregiver"
        for c in due.choices_for(child, on)
    )


def run() -> None:
    practice = Practice.objects.get(name=PRACTICE)
    zone = calendar_of(practice).zone
    now = clock.now()
    today = now.astimezone(zone).date()
    children = (
        Child.objects.on_panel(today)
        .filter(practice=practice, family__caregivers__preferred_language="es")
        .select_related("family", "practice")
        .distinct()
        .order_by("-date_of_birth", "pk")
    )
    for child in children:
        caregiver = default_caregiver(child)
        if (
            caregiver is not None
            and caregiver.preferred_language == "es"
            and caregiver.phone
            and caregiver_screen_due(child, today)
        ):
            break
    else:
        raise SystemExit("no Spanish-speaking family with a caregiver screen due in the demo")
    record_consent(
        actor=system_actor(practice),
        caregiver=caregiver,
        channel=ConsentChannel.TEXT,
        granted=True,
        method=ConsentMethod.VERBAL,
        at=now,
    )
    Visit.objects.create(
        practice=practice,
        child=child,
        starts_at=datetime.combine(today + timedelta(days=3), time(11, 40), tzinfo=zone),
        kind=VisitKind.WELL_CHILD,
        status=VisitStatus.SCHEDULED,
        created_at=now,
    )
    print(child.pk)
