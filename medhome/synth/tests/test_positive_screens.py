"""The synthetic positive screens and their next steps (synth/positive_screens.py)."""

from collections import Counter
from datetime import date, timedelta

import pytest

from medhome.core import clock
from medhome.nextsteps.models import NextStep, Outcome, PositiveScreen, StepStatus
from medhome.screening.models import Administration
from medhome.synth.panel import build_panel
from medhome.synth.positive_screens import (
    STORY_DECLINE,
    load_demo_next_steps,
    write_positive_screens,
)
from tests.factories import add_child

AS_OF = date(2026, 3, 1)


@pytest.mark.django_db
def test_the_generator_gives_every_positive_screen_its_row_and_a_mix_of_outcomes():
    panel = build_panel(
        seed=5, children=600, practice_count=2, network_name="Steps test", as_of=AS_OF
    )
    positives = Administration.objects.filter(
        practice_id__in=panel.practice_ids, status="scored", positive=True
    ).exclude(instrument_key__in=("phq2", "gad2"))
    screens = PositiveScreen.objects.filter(practice_id__in=panel.practice_ids)

    assert positives.count() > 0
    assert set(positives.values_list("pk", flat=True)) <= set(
        screens.values_list("administration_id", flat=True)
    )
    outcomes = Counter(screens.values_list("outcome", flat=True))
    assert outcomes[Outcome.FOLLOWED_UP] and outcomes[Outcome.PENDING]
    followed = screens.filter(outcome=Outcome.FOLLOWED_UP)
    assert all(s.followed_up_on >= s.found_on for s in followed)
    declined = NextStep.objects.filter(status=StepStatus.DECLINED)
    assert all(step.decline_reason for step in declined)
    # Idempotent: a second pass writes nothing.
    practice = screens.first().practice
    assert write_positive_screens(practice, as_of=AS_OF) == 0


@pytest.mark.django_db
def test_the_demo_story_is_an_mchat_at_high_risk_with_a_declined_audiology_step(
    practice_a, family_a, staff_a
):
    today = clock.today()
    add_child(
        family_a,
        legal_given_name="Toddler",
        mrn="T-1",
        date_of_birth=today - timedelta(days=20 * 30),
    )

    child = load_demo_next_steps(practice_a, as_of=today, now=clock.now())

    screen = PositiveScreen.objects.get(child=child)
    steps = {step.key: step for step in screen.steps.all()}
    assert screen.administration.band == "high"
    assert {"early_intervention", "audiology"} <= set(steps)
    assert steps["audiology"].status == StepStatus.DECLINED
    assert steps["audiology"].decline_reason == STORY_DECLINE
    assert steps["early_intervention"].status == StepStatus.PROPOSED
    assert load_demo_next_steps(practice_a, as_of=today, now=clock.now()) is None
