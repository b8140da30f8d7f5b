"""What a person does with a proposed step, and the screen's outcome
(docs/clinical-rules.md#next-steps)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from medhome.core import clock
from medhome.directory.vocabulary import Need
from medhome.nextsteps import selectors, services
from medhome.nextsteps.models import Outcome, PositiveScreen, StepStatus
from medhome.referrals import services as referrals
from medhome.referrals.models import Referral
from medhome.referrals.states import Status as ReferralStatus
from medhome.tasks import services as tasks
from medhome.tasks.kinds import title_of
from medhome.tasks.models import Task, TaskKind, TaskStatus

from .conftest import directory_service

pytestmark = pytest.mark.django_db


def step_of(screen_administration, key):
    return PositiveScreen.objects.get(administration=screen_administration).steps.get(key=key)


def screen_of(administration) -> PositiveScreen:
    return PositiveScreen.objects.get(administration=administration)


def test_refer_starts_a_draft_referral_and_sends_nothing_without_consent(pediatrician, mchat_high):
    organization = directory_service("Harbor Early Intervention", Need.EARLY_INTERVENTION)
    step = step_of(mchat_high, "early_intervention")

    referral = services.refer(actor=pediatrician, step=step, at=clock.now())

    assert referral is not None
    assert (referral.status, referral.need, referral.organization) == (
        ReferralStatus.DRAFT,
        Need.EARLY_INTERVENTION,
        organization,
    )
    assert referral.requested_at is None and referral.source_administration == mchat_high
    step.refresh_from_db()
    assert (step.status, step.referral) == (StepStatus.TAKEN, referral)
    assert screen_of(mchat_high).outcome == Outcome.PENDING  # a draft is not a follow-up
    with pytest.raises(ValidationError):  # the referral flow refuses to send without consent
        referrals.send(actor=pediatrician, referral=referral, at=clock.now())


def test_audiology_is_one_click_to_its_own_need(pediatrician, mchat_high):
    directory_service("Bay Hearing Center", Need.AUDIOLOGY)

    referral = services.refer(
        actor=pediatrician, step=step_of(mchat_high, "audiology"), at=clock.now()
    )

    assert referral.need == Need.AUDIOLOGY


def test_refer_without_a_match_in_the_directory_starts_nothing(pediatrician, mchat_high):
    step = step_of(mchat_high, "diagnostic_evaluation")

    assert services.refer(actor=pediatrician, step=step, at=clock.now()) is None
    assert not Referral.objects.exists()


def test_the_referral_sent_with_consent_follows_the_screen_up(
    pediatrician, mchat_high, caregiver_a
):
    directory_service("Harbor Early Intervention", Need.EARLY_INTERVENTION)
    referral = services.refer(
        actor=pediatrician, step=step_of(mchat_high, "early_intervention"), at=clock.now()
    )
    referrals.record_consent(
        actor=pediatrician,
        referral=referral,
        caregiver=caregiver_a,
        shared_items=["name", "contact", "need"],
        method="verbal",
        at=clock.now(),
    )
    sent_at = clock.now()
    referrals.send(actor=pediatrician, referral=referral, at=sent_at)

    assert services.settle_pending(now=clock.now()) == 1

    screen = screen_of(mchat_high)
    assert screen.outcome == Outcome.FOLLOWED_UP
    assert screen.followed_up_on == clock.local_date(sent_at)
    assert screen.steps.get(key="early_intervention").status == StepStatus.DONE


def test_make_it_a_task_names_the_step_and_no_clinical_detail(pediatrician, mchat_high):
    step = services.make_task(
        actor=pediatrician, step=step_of(mchat_high, "audiology"), at=clock.now()
    )

    task = Task.objects.get()
    assert (task.kind, step.task_ref, step.status) == (
        TaskKind.NEXT_STEP,
        task.pk,
        StepStatus.TAKEN,
    )
    assert task.details == {"step": "audiology", "confidential": False}
    assert "hearing" in title_of(task.kind, task.details)
    assert task.due_at > clock.now()
    with pytest.raises(ValidationError):
        services.make_task(actor=pediatrician, step=step, at=clock.now())


def test_a_task_done_follows_the_screen_up(pediatrician, mchat_high):
    step = services.make_task(
        actor=pediatrician, step=step_of(mchat_high, "audiology"), at=clock.now()
    )
    tasks.close(
        actor=pediatrician, task=Task.objects.get(pk=step.task_ref), note="Booked", at=clock.now()
    )

    services.settle_pending(now=clock.now())

    assert screen_of(mchat_high).outcome == Outcome.FOLLOWED_UP


def test_a_cancelled_task_does_not(pediatrician, mchat_high):
    step = services.make_task(
        actor=pediatrician, step=step_of(mchat_high, "audiology"), at=clock.now()
    )
    tasks.close(
        actor=pediatrician,
        task=Task.objects.get(pk=step.task_ref),
        note="Moved",
        at=clock.now(),
        status=TaskStatus.CANCELLED,
    )

    services.settle_pending(now=clock.now())

    assert screen_of(mchat_high).outcome == Outcome.PENDING


def test_mark_done_follows_the_screen_up_on_that_day(coordinator, mchat_high):
    at = clock.now()
    services.mark_done(actor=coordinator, step=step_of(mchat_high, "audiology"), at=at)

    screen = screen_of(mchat_high)
    assert (screen.outcome, screen.outcome_at, screen.followed_up_on) == (
        Outcome.FOLLOWED_UP,
        at,
        clock.local_date(at),
    )
    with pytest.raises(ValidationError, match="already done"):
        services.mark_done(actor=coordinator, step=step_of(mchat_high, "audiology"), at=at)


def test_a_decline_needs_a_reason(pediatrician, mchat_high):
    step = step_of(mchat_high, "audiology")

    with pytest.raises(ValidationError, match="Say why"):
        services.decline(actor=pediatrician, step=step, reason="  ", at=clock.now())

    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED and step.decline_reason == ""


def test_only_a_clinician_may_decline(coordinator, mchat_high):
    step = step_of(mchat_high, "audiology")

    with pytest.raises(PermissionDenied):
        services.decline(
            actor=coordinator, step=step, reason="Hearing tested last month", at=clock.now()
        )

    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED


def test_a_declined_step_keeps_its_reason_and_all_declined_is_declined(pediatrician, mchat_high):
    screen = screen_of(mchat_high)
    reasons = {
        "early_intervention": "Already enrolled in Early Intervention",
        "diagnostic_evaluation": "Evaluation booked by the family elsewhere",
        "audiology": "Hearing tested last month, normal",
    }
    for key, reason in reasons.items():
        services.decline(
            actor=pediatrician, step=screen.steps.get(key=key), reason=reason, at=clock.now()
        )
        screen.refresh_from_db()
        if key != "audiology":
            assert screen.outcome == Outcome.PENDING

    assert screen.outcome == Outcome.DECLINED and screen.followed_up_on is None
    assert dict(screen.steps.values_list("key", "decline_reason")) == reasons
    with pytest.raises(ValidationError, match="declined"):
        services.mark_done(
            actor=pediatrician, step=screen.steps.get(key="audiology"), at=clock.now()
        )


def test_one_step_done_and_the_rest_declined_is_followed_up(pediatrician, mchat_high):
    screen = screen_of(mchat_high)
    services.mark_done(
        actor=pediatrician, step=screen.steps.get(key="early_intervention"), at=clock.now()
    )
    for key in ("diagnostic_evaluation", "audiology"):
        services.decline(
            actor=pediatrician,
            step=screen.steps.get(key=key),
            reason="The family chose to wait",
            at=clock.now(),
        )

    screen.refresh_from_db()
    assert screen.outcome == Outcome.FOLLOWED_UP


def test_pending_screens_are_those_found_before_and_not_yet_followed_up(
    pediatrician, mchat_high, practice_a, toddler_a
):
    screen = screen_of(mchat_high)
    later = screen.found_at + timedelta(seconds=1)

    def children(before):
        return set(
            selectors.pending_screens(pediatrician, found_before=before).values_list(
                "child_id", flat=True
            )
        )

    assert children(later) == {toddler_a.pk}
    assert children(screen.found_at) == set()
    services.mark_done(actor=pediatrician, step=screen.steps.get(key="audiology"), at=clock.now())
    assert children(later) == set()
