"""The demo's and the synthetic population's positive screens and their next steps
(docs/clinical-rules.md#next-steps), so the chart, the result pages and the measure "positive
screens followed up within 30 days" have data — and one featured story per practice: a toddler's
M-CHAT-R at high risk scored through the real services, whose proposed steps are Early
Intervention, a diagnostic evaluation and audiology, the last declined with its reason.

Past screens (written in bulk by measure_history) get their rows here in bulk, from the same
step definitions nextsteps proposes: a screen whose referral was sent is followed up on that
day; of the rest, by INVENTED rates, some had a step done, a few had every step declined, the
others are still pending. Idempotent: screens that already have a row are left alone.
"""

from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from medhome.accounts.roles import Role, capabilities_of
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.nextsteps import definitions
from medhome.nextsteps import services as nextsteps
from medhome.nextsteps.models import NextStep, Outcome, PositiveScreen, StepStatus
from medhome.practices.models import Membership, Practice
from medhome.referrals.models import Referral
from medhome.screening import services as screening
from medhome.screening.models import Administration, Mode, Status

from .bulk import new_id

# INVENTED rates (not from any source): of past positive screens without a sent referral.
STEP_DONE_RATE = 0.55
ALL_DECLINED_RATE = 0.08
DONE_WITHIN_DAYS = (0, 45)  # a few land after day 30, so the measure has misses
DECLINE_REASONS = (
    "The family prefers to wait until the next visit.",
    "Already receiving this service elsewhere.",
    "The family declined after we talked it through.",
)
STORY_REASON = "Demo: M-CHAT-R/F entered from the paper form at the 18-month visit"
STORY_DECLINE = "Full audiology evaluation last month at the children's hospital: hearing normal."


def _clinician(practice: Practice) -> Any:
    membership = (
        Membership.objects.filter(practice=practice, role=Role.PEDIATRICIAN)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), ZoneInfo(settings.TIME_ZONE))


def write_positive_screens(practice: Practice, *, as_of: date, seed: str = "") -> int:
    """Positive-screen rows for the practice's scored positive screens that have none; returns
    how many were written."""
    rng = Random(f"positive-screens:{practice.pk}:{seed}")
    decider = _clinician(practice)
    screens = (
        Administration.objects.filter(practice=practice, status=Status.SCORED)
        .filter(Q(positive=True) | Q(instrument_key="mchat_r", band="medium"))
        .filter(positive_screen__isnull=True)
        .select_related("child")
        .order_by("pk")
    )
    sent: dict[Any, list[Referral]] = {}
    for referral in Referral.objects.filter(
        practice=practice, source_administration__isnull=False, requested_at__isnull=False
    ).order_by("requested_at"):
        sent.setdefault(referral.source_administration_id, []).append(referral)
    rows: list[PositiveScreen] = []
    steps: list[NextStep] = []
    for administration in screens.iterator():
        kind = definitions.kind_of(administration.instrument_key, administration.respondent)
        if kind is None or administration.administered_on is None:
            continue
        found_on = administration.administered_on
        keys = definitions.steps_for(
            kind,
            instrument_key=administration.instrument_key,
            band=administration.band,
            positive_domains=list(administration.positive_domains or []),
            born=administration.child.date_of_birth,
            on=found_on,
        )
        if not keys:
            continue
        found_at = administration.submitted_at or _moment(found_on)
        screen = PositiveScreen(
            id=new_id(rng),
            practice_id=practice.pk,
            child_id=administration.child_id,
            administration_id=administration.pk,
            kind=kind,
            confidential=administration.confidential,
            found_at=found_at,
            found_on=found_on,
        )
        made = [
            NextStep(
                id=new_id(rng),
                practice_id=practice.pk,
                positive_screen_id=screen.pk,
                key=key,
                position=n,
            )
            for n, key in enumerate(keys)
        ]
        _outcome(rng, screen, made, sent.get(administration.pk, []), as_of, decider)
        rows.append(screen)
        steps.extend(made)
    with transaction.atomic():
        PositiveScreen.objects.bulk_create(rows, batch_size=500)
        NextStep.objects.bulk_create(steps, batch_size=500)
    return len(rows)


def _outcome(
    rng: Random,
    screen: PositiveScreen,
    steps: list[NextStep],
    referrals: list[Referral],
    as_of: date,
    decider: Any,
) -> None:
    for referral in referrals:
        step = next(
            (
                s
                for s in steps
                if definitions.STEPS[s.key].need == referral.need and not s.referral_id
            ),
            None,
        )
        if step is not None and referral.requested_at is not None:
            step.referral_id = referral.pk
            step.status, step.done_at = StepStatus.DONE, referral.requested_at
    done = [step.done_at for step in steps if step.done_at is not None]
    roll = rng.random()
    if not done and roll < STEP_DONE_RATE:
        day = screen.found_on + timedelta(days=rng.randint(*DONE_WITHIN_DAYS))
        if day < as_of:
            step = rng.choice(steps)
            step.status, step.done_at = StepStatus.DONE, _moment(day, 15)
            step.changed_at, step.changed_by = step.done_at, decider
            done.append(step.done_at)
    elif not done and roll < STEP_DONE_RATE + ALL_DECLINED_RATE and decider is not None:
        reason = rng.choice(DECLINE_REASONS)
        for step in steps:
            step.status, step.decline_reason = StepStatus.DECLINED, reason
            step.changed_at, step.changed_by = _moment(screen.found_on, 16), decider
        screen.outcome, screen.outcome_at = Outcome.DECLINED, _moment(screen.found_on, 16)
        return
    if done:
        first = min(done)
        screen.outcome, screen.outcome_at = Outcome.FOLLOWED_UP, first
        screen.followed_up_on = first.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def load_demo_next_steps(practice: Practice, *, as_of: date, now: datetime) -> Child | None:
    """The featured story: a toddler's M-CHAT-R at high risk, keyed in from the paper form by
    the practice's pediatrician (the real services: the steps come from the scoring hook), and
    the audiology step declined with its reason. Once per practice."""
    # Known by its declined step: the form's override reason is kept only for a screener that
    # is not due (docs/clinical-rules.md#not-due-reason), and at 18-24 months this one is due.
    if PositiveScreen.objects.filter(
        practice=practice, steps__key="audiology", steps__decline_reason=STORY_DECLINE
    ).exists():
        return None
    clinician = _clinician(practice)
    child = (
        Child.objects.filter(
            practice=practice,
            date_of_birth__lte=as_of - timedelta(days=18 * 31),
            date_of_birth__gt=as_of - timedelta(days=28 * 30),
        )
        .order_by("-date_of_birth", "pk")
        .first()
    )
    if clinician is None or child is None:
        return None
    actor = Actor(
        user=clinician,
        practice=practice,
        role=Role.PEDIATRICIAN,
        capabilities=capabilities_of(Role.PEDIATRICIAN),
    )
    from medhome.instruments.catalog._common import NO, YES

    at_risk_yes = {"2", "5", "12"}
    # Nine answers at risk (8-20 is high risk, M-CHAT-R scoring): items 1-9.
    answers = {
        str(n): (YES if str(n) in at_risk_yes else NO)
        if n <= 9
        else (NO if str(n) in at_risk_yes else YES)
        for n in range(1, 21)
    }
    with transaction.atomic():
        administration = screening.start_administration(
            actor=actor,
            child=child,
            choice="mchat_r:caregiver",
            mode=Mode.STAFF_ENTRY,
            caregiver=child.family.caregivers.order_by("pk").first(),
            override_reason=STORY_REASON,
            at=now,
        )
        screening.save_answers(
            actor=actor, administration=administration, answers=answers, submit=True, at=now
        )
        screen = PositiveScreen.objects.get(administration=administration)
        nextsteps.decline(
            actor=actor,
            step=screen.steps.get(key="audiology"),
            reason=STORY_DECLINE,
            at=now + timedelta(minutes=5),
        )
    return child
