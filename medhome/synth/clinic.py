"""The demo clinic's calendar and screening history: synthetic, seeded, idempotent.

Each practice gets two weeks of visits from the load date: mostly well-child visits for children
whose window is open that day (so "today's children" has something due), plus sick visits; and
the children on the calendar get a plausible history of past screens (a few positive), so the
chart shows results over time. Screens are scored with the real instruments; answers are drawn
so that most are negative.
"""

import random
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from medhome.accounts.roles import CLINICIAN_ROLES
from medhome.families.models import Caregiver, Child
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Respondent
from medhome.instruments.scoring import score
from medhome.periodicity.panel import panel_due
from medhome.periodicity.services import record_completion
from medhome.practices.models import Membership, Practice, Site
from medhome.screening.models import Administration, Mode, Status
from medhome.visits.models import Visit, VisitKind, VisitStatus

from .bulk import new_id

WELL_VISITS_PER_DAY = 10
# Infants have the most well visits (seven in the first year), so every demo clinic day books a
# few of them when any is due: the caregiver-depression screens of the 1-6 month visits then show
# on "Today" every day, not on the days the draw happens to favour them.
INFANTS_PER_DAY = 3
INFANT_DAYS = 7 * 30
SICK_VISITS_PER_DAY = 3
DAYS = 14
FIRST_SLOT = time(8, 30)
SLOT = timedelta(minutes=20)
# Past screens per row, given by the instrument a small practice would use (medhome demo choice).
HISTORY_INSTRUMENT = {
    "caregiver_depression": "phq9",
    "social_needs": "hvs",
    "behavioral": "psc17",
    "developmental": "asq3",
}


def clinic_days(start: date, days: int = DAYS) -> list[date]:
    """The demo's day itself — a Saturday morning clinic when it falls on a weekend, so the
    demo's Today is never empty whatever day it is loaded — then the weekdays after it."""
    every = [start + timedelta(days=n) for n in range(days)]
    return [day for day in every if day == start or day.weekday() < 5]


def schedule_clinic(practice: Practice, *, as_of: date, created_at: datetime) -> int:
    """Two weeks of visits from `as_of`, unless the practice already has visits from then."""
    start = timezone.make_aware(datetime.combine(as_of, time.min))
    if Visit.objects.filter(practice=practice, starts_at__gte=start).exists():
        return 0
    rng = random.Random(f"clinic:{practice.pk}:{as_of.isoformat()}")
    clinicians = list(
        Membership.objects.filter(practice=practice, role__in=CLINICIAN_ROLES).values_list(
            "user_id", flat=True
        )
    )
    sites = list(Site.objects.filter(practice=practice))
    children = Child.objects.filter(practice=practice)
    all_ids = list(children.order_by("pk").values_list("pk", flat=True))
    births = dict(children.values_list("pk", "date_of_birth"))
    visits: list[Visit] = []
    booked: set[UUID] = set()
    for day in clinic_days(as_of):
        due_ids = [
            pk
            for pk in panel_due(children, day, rows=())
            .exclude(visit_status="done")  # type: ignore[misc]
            .values_list("pk", flat=True)
            if pk not in booked
        ]
        infants = [pk for pk in due_ids if (day - births[pk]).days < INFANT_DAYS]
        well = rng.sample(infants, min(INFANTS_PER_DAY, len(infants)))
        chosen = set(well)
        others = [pk for pk in due_ids if pk not in chosen]
        well += rng.sample(others, min(WELL_VISITS_PER_DAY - len(well), len(others)))
        sick = rng.sample(all_ids, min(SICK_VISITS_PER_DAY, len(all_ids)))
        booked.update(well)
        slots = [(pk, VisitKind.WELL_CHILD) for pk in well] + [(pk, VisitKind.SICK) for pk in sick]
        rng.shuffle(slots)
        for n, (child_id, kind) in enumerate(slots):
            visits.append(
                Visit(
                    id=new_id(rng),
                    practice=practice,
                    child_id=child_id,
                    site=rng.choice(sites) if sites else None,
                    clinician_id=rng.choice(clinicians) if clinicians else None,
                    starts_at=timezone.make_aware(datetime.combine(day, FIRST_SLOT)) + n * SLOT,
                    kind=kind,
                    status=VisitStatus.SCHEDULED,
                    created_at=created_at,
                )
            )
    with transaction.atomic():
        Visit.objects.bulk_create(visits)
        booked_children = Child.objects.filter(pk__in=list(booked))
        for child in booked_children.select_related("practice"):
            _screening_history(rng, child, as_of=as_of, at=created_at)
    return len(visits)


def write_booked_screening_histories(
    practice: Practice, *, as_of: date, created_at: datetime
) -> int:
    """Past screens of the children booked for a well-child visit in the coming two weeks (when
    the schedule came from the EHR rather than schedule_clinic), once: a practice with any
    screen already is left alone. Returns the children given a history."""
    if Administration.objects.filter(practice=practice).exists():
        return 0
    start = timezone.make_aware(datetime.combine(as_of, time.min))
    booked = (
        Visit.objects.filter(
            practice=practice,
            kind=VisitKind.WELL_CHILD,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=DAYS),
        )
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
    )
    rng = random.Random(f"clinic:{practice.pk}:{as_of.isoformat()}:history")
    children = Child.objects.filter(pk__in=list(booked)).select_related("practice").order_by("pk")
    with transaction.atomic():
        for child in children:
            _screening_history(rng, child, as_of=as_of, at=created_at)
    return len(children)


def _calm_first(item: object) -> list:
    """Options from least to most at risk: by the at-risk flag, then by points."""
    return sorted(item.options, key=lambda o: (o.positive, o.score or 0))  # type: ignore[attr-defined]


def _answers(rng: random.Random, instrument: Instrument) -> dict[str, str]:
    """About one respondent in eight answers as someone at risk
    (docs/clinical-rules.md#synthetic-population: caregiver depression ≈ 10–15 % positive, food
    insecurity ≈ 10–20 %); the others mostly calm."""
    at_risk = rng.random() < 0.12
    answers = {}
    for item in instrument.items:
        if item.number_range is not None:
            low, high = item.number_range
            middle = (low + high) // 2
            answers[item.link_id] = str(
                rng.randint(low, middle) if at_risk else rng.randint(middle, high)
            )
        elif item.options:
            ordered = _calm_first(item)
            if at_risk:
                option = rng.choice(ordered[len(ordered) // 2 :])
            else:
                option = ordered[0] if rng.random() < 0.85 else ordered[min(1, len(ordered) - 1)]
            answers[item.link_id] = option.code
    return answers


def _screening_history(rng: random.Random, child: Child, *, as_of: date, at: datetime) -> None:
    caregiver = Caregiver.objects.filter(family_id=child.family_id).order_by("pk").first()
    age_days = (as_of - child.date_of_birth).days
    for row, key in HISTORY_INSTRUMENT.items():
        instrument = registry.get(key)
        for months_ago in (12, 6):
            on = as_of - timedelta(days=30 * months_ago)
            age_months = (on - child.date_of_birth).days // 30
            if age_days < 30 * months_ago or rng.random() < 0.3:
                continue
            low, high = instrument.min_age_months, instrument.max_age_months
            if (low is not None and age_months < low) or (high is not None and age_months > high):
                continue
            answers = _answers(rng, instrument)
            respondent = (
                Respondent.STAFF
                if instrument.respondent == Respondent.STAFF
                else Respondent.CAREGIVER
            )
            outcome = score(instrument, answers, respondent=respondent)
            if outcome.critical:  # past crises would have left alerts: keep history calm
                for critical in outcome.critical:
                    item = instrument.item(critical.link_id)
                    if item is not None and item.options:
                        answers[item.link_id] = _calm_first(item)[0].code
                outcome = score(instrument, answers, respondent=respondent)
            moment = timezone.make_aware(datetime.combine(on, time(9, 0)))
            administration = Administration.objects.create(
                id=new_id(rng),
                practice=child.practice,
                child=child,
                instrument_key=instrument.key,
                instrument_version=instrument.version,
                mode=Mode.STAFF_ENTRY if respondent == Respondent.STAFF else Mode.TABLET,
                respondent=respondent,
                caregiver=caregiver,
                language="en",
                status=Status.SCORED if outcome.complete else Status.PARTIAL,
                answers=answers,
                started_at=moment,
                updated_at=moment,
                submitted_at=moment,
                administered_on=on,
                total=outcome.total,
                subscores=dict(outcome.subscores),
                band=outcome.band,
                positive=outcome.positive,
                next_step=outcome.next_step,
                next_step_pending=False,
                positive_domains=list(outcome.positive_domains),
                cpt=outcome.cpt,
                icd10=outcome.icd10,
            )
            if outcome.complete and row in instrument.rows:
                completion = record_completion(
                    child=child,
                    row=row,
                    done_on=on,
                    source="instrument",
                    source_id=administration.pk,
                    recorded_at=at,
                )
                administration.visit_key = completion.visit_key or ""
                administration.save(update_fields=["visit_key"])
