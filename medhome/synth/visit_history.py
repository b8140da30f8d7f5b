"""Synthetic visit histories: well-child visits that mostly, but not always, follow the schedule,
and sick visits. Adherence drops after 15 months and again in adolescence
(docs/clinical-rules.md#synthetic-population); children without coverage come a little less often,
so the equity views later have something to show — invented data, said so in the demo.

Set-based writing: Visit and RowCompletion rows are built in memory and bulk-inserted.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from medhome.accounts.roles import CLINICIAN_ROLES
from medhome.core import clock
from medhome.events.models import CareEvent, EventKind
from medhome.families.models import Child
from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.models import RowCompletion
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import windows_for
from medhome.practices.models import Membership, Practice, Site
from medhome.visits.models import Modality, Visit, VisitKind, VisitStatus

# Share of children who come to a well-child visit, by age at the visit (medhome demo
# parameters, in the spirit of W30/WCV rates: high in infancy, lower after 15 months and in
# adolescence).
ADHERENCE = ((15, 0.9), (36, 0.75), (132, 0.68), (10_000, 0.55))
UNINSURED_PENALTY = 0.15
# Invented disparities, so the equity views show something
# (docs/clinical-rules.md#synthetic-population): a little less adherence with Medicaid/CHIP and
# where the family's language is not English.
PUBLIC_PAYER_PENALTY = 0.04
LANGUAGE_PENALTY = 0.06
SICK_VISITS_PER_YEAR = ((60, 1.6), (10_000, 0.7))
# Between visits, elsewhere: urgent care and emergency-department visits per child per year
# (medhome demo parameters; most children have none).
URGENT_CARE_PER_YEAR = 0.15
ED_PER_YEAR = 0.1
VIDEO_SHARE = 0.08


def _rate(table: tuple[tuple[int, float], ...], months: int) -> float:
    return next(rate for upper, rate in table if months < upper)


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(
        datetime.combine(day, time(8 + rng.randint(0, 8), 20 * rng.randint(0, 2)))
    )


def history_for(
    child: Child,
    *,
    as_of: date,
    rng: random.Random,
    clinicians: list[int],
    open_window: bool = False,
    disparities: bool = False,
) -> tuple[list[Visit], list[RowCompletion]]:
    """`open_window`: also a visit already made in the window still open on `as_of` (its day
    before `as_of`), so the last months of the history are not empty. `disparities`: apply the
    payer and language penalties below (the demo does; the default keeps earlier histories)."""
    schedule = current_schedule(as_of)
    visits: list[Visit] = []
    completions: list[RowCompletion] = []
    now = clock.now()
    for visit, window in windows_for(child.date_of_birth, schedule=schedule):
        if window.closes > as_of and (not open_window or window.opens >= as_of):
            break  # by default only windows that have closed: the present is the demo's
        months = (window.nominal.year - child.date_of_birth.year) * 12 + (
            window.nominal.month - child.date_of_birth.month
        )
        chance = _rate(ADHERENCE, months) - (UNINSURED_PENALTY if child.payer == "uninsured" else 0)
        if disparities:
            chance -= PUBLIC_PAYER_PENALTY if child.payer in ("medicaid", "chip") else 0
            chance -= LANGUAGE_PENALTY if child.preferred_language != "en" else 0
        if rng.random() > chance:
            continue
        latest = window.closes - timedelta(days=1)
        day = min(latest, max(window.opens, window.nominal + timedelta(days=rng.randint(-10, 25))))
        if day >= as_of:
            continue
        visit_row = Visit(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            practice_id=child.practice_id,
            child=child,
            clinician_id=rng.choice(clinicians) if clinicians else None,
            starts_at=_moment(day, rng),
            kind=VisitKind.WELL_CHILD,
            modality=Modality.IN_PERSON,
            status=VisitStatus.COMPLETED,
            created_at=now,
        )
        visits.append(visit_row)
        completions.append(
            RowCompletion(
                practice_id=child.practice_id,
                child=child,
                row=VISIT_ROW,
                visit_key=visit.key,
                done_on=day,
                source="visit",
                source_id=visit_row.id,
                schedule_version=schedule.version,
                recorded_at=now,
            )
        )
    day = child.date_of_birth + timedelta(days=30)
    while day < as_of:
        months = (day - child.date_of_birth).days // 30
        day += timedelta(days=int(rng.expovariate(_rate(SICK_VISITS_PER_YEAR, months) / 365)) + 1)
        if day >= as_of:
            break
        visits.append(
            Visit(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                practice_id=child.practice_id,
                child=child,
                clinician_id=rng.choice(clinicians) if clinicians else None,
                starts_at=_moment(day, rng),
                kind=VisitKind.SICK,
                modality=Modality.VIDEO if rng.random() < VIDEO_SHARE else Modality.IN_PERSON,
                status=VisitStatus.COMPLETED,
                created_at=now,
            )
        )
    return visits, completions


def events_for(child: Child, *, as_of: date, rng: random.Random) -> list[CareEvent]:
    """Urgent care and ED visits of the past; old enough that their follow-ups are history."""
    found = []
    for kind, rate in (
        (EventKind.URGENT_CARE, URGENT_CARE_PER_YEAR),
        (EventKind.EMERGENCY, ED_PER_YEAR),
    ):
        day = child.date_of_birth
        while True:
            day += timedelta(days=int(rng.expovariate(rate / 365)) + 1)
            if day >= as_of - timedelta(days=30):
                break
            start = _moment(day, rng)
            found.append(
                CareEvent(
                    id=uuid.UUID(int=rng.getrandbits(128), version=4),
                    practice_id=child.practice_id,
                    child=child,
                    kind=kind,
                    started_at=start,
                    ended_at=start + timedelta(hours=rng.randint(2, 6)),
                    facility="Synthetic General"
                    if kind == EventKind.EMERGENCY
                    else "Synthetic Urgent Care",
                    source="manual",
                    created_at=clock.now(),
                )
            )
    return found


def write_histories(
    children: list[Child],
    *,
    as_of: date,
    seed: str,
    clinicians: list[int],
    open_window_except: frozenset | None = None,
    disparities: bool = False,
) -> int:
    """Idempotence is the caller's: it writes for the children it is given.
    `open_window_except`: None = closed windows only; else also visits already made in the
    open window, except for these children (they are booked in the coming days)."""
    rng = random.Random(seed)
    visits: list[Visit] = []
    completions: list[RowCompletion] = []
    for child in children:
        open_window = open_window_except is not None and child.pk not in open_window_except
        child_visits, child_completions = history_for(
            child,
            as_of=as_of,
            rng=rng,
            clinicians=clinicians,
            open_window=open_window,
            disparities=disparities,
        )
        visits += child_visits
        completions += child_completions
    with transaction.atomic():
        Visit.objects.bulk_create(visits, batch_size=2000)
        RowCompletion.objects.bulk_create(completions, batch_size=2000)
    return len(visits)


def write_demo_histories(practice: Practice, *, as_of: date) -> int:
    """The demo practice's past visits, once (a practice with past visits is left alone)."""
    start = timezone.make_aware(datetime.combine(as_of, time.min))
    if Visit.objects.filter(practice=practice, starts_at__lt=start).exists():
        return 0
    clinicians = list(
        Membership.objects.filter(practice=practice, role__in=CLINICIAN_ROLES).values_list(
            "user_id", flat=True
        )
    )
    children = list(Child.objects.filter(practice=practice).order_by("pk"))
    booked = frozenset(
        Visit.objects.filter(
            practice=practice, starts_at__gte=start, kind=VisitKind.WELL_CHILD
        ).values_list("child_id", flat=True)
    )
    written = write_histories(
        children,
        as_of=as_of,
        seed=f"visits:{practice.pk}",
        clinicians=clinicians,
        open_window_except=booked,
        disparities=True,
    )
    _place_at_home_sites(practice, children)
    return written


def _place_at_home_sites(practice: Practice, children: list[Child]) -> None:
    """Each child is seen at one of the practice's sites (chosen from its id, so the choice
    draws nothing from the visits' random stream): the measures' site strata need it."""
    sites = list(Site.objects.filter(practice=practice).order_by("name"))
    for index, site in enumerate(sites):
        at_site = [child.pk for child in children if child.pk.int % len(sites) == index]
        Visit.objects.filter(practice=practice, site__isnull=True, child_id__in=at_site).update(
            site=site
        )
