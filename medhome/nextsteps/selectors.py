"""Reads of nextsteps, always through the tenancy scope.

Who sees a positive screen's steps: whoever may see its result
(docs/clinical-rules.md#who-sees-results): screening.results, and for an adolescent's own
confidential screen also screening.detail (docs/clinical-rules.md#adolescent-confidentiality).
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.scoping import scoped
from medhome.screening.models import Administration

from . import definitions
from .models import NextStep, Outcome, PositiveScreen

READ = Capability.SCREENING_RESULTS


def may_see(actor: Actor, screen: PositiveScreen) -> bool:
    if not actor.can(READ):
        return False
    return not screen.confidential or actor.can(Capability.SCREENING_DETAIL)


def _visible(actor: Actor) -> QuerySet[PositiveScreen]:
    screens = scoped(actor, PositiveScreen, need=READ)
    if not actor.can(Capability.SCREENING_DETAIL):
        screens = screens.filter(confidential=False)
    return screens


def access_step(actor: Actor, step_id: UUID | str) -> NextStep:
    """The step, or 404: another practice's, a confidential screen's for a role that may not
    see it, missing, or a malformed id alike."""
    try:
        return (
            scoped(actor, NextStep, need=READ)
            .select_related("positive_screen", "positive_screen__child", "practice")
            .get(pk=step_id, positive_screen__in=_visible(actor))
        )
    except (NextStep.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404 from missing


@dataclass
class ShownStep:
    step: NextStep
    definition: definitions.StepDefinition


@dataclass
class ShownScreen:
    screen: PositiveScreen
    steps: list[ShownStep]


def _steps() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=NextStep.objects.select_related("referral", "changed_by").order_by("position"),
    )


def _shown(screens: QuerySet[PositiveScreen]) -> list[ShownScreen]:
    return [
        ShownScreen(
            screen,
            [
                ShownStep(step, definitions.STEPS[step.key])
                for step in screen.steps.all()
                if step.key in definitions.STEPS
            ],
        )
        for screen in screens
    ]


def steps_of_screen(actor: Actor, administration: Administration) -> ShownScreen | None:
    screens = (
        _visible(actor)
        .filter(administration=administration)
        .select_related("administration")
        .prefetch_related(_steps())
    )
    shown = _shown(screens)
    return shown[0] if shown else None


def open_screens_of_child(actor: Actor, child: Child) -> list[ShownScreen]:
    """The child's positive screens still pending, newest first, with their steps."""
    screens = (
        _visible(actor)
        .filter(child=child, outcome=Outcome.PENDING)
        .select_related("administration")
        .prefetch_related(_steps())
        .order_by("-found_at")
    )
    return _shown(screens)


def pending_screens(actor: Actor, *, found_before: datetime) -> QuerySet[PositiveScreen]:
    """The positive screens the actor may see, found before that moment, whose outcome is still
    pending (the case review's "a positive screen with no follow-up"); none for a role that
    may not see results."""
    if not actor.can(READ):
        return PositiveScreen.objects.none()
    return _visible(actor).filter(outcome=Outcome.PENDING, found_at__lt=found_before)
