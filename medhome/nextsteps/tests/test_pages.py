"""The steps on the result page and the chart; the buttons; who sees what."""

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.directory.vocabulary import Need
from medhome.nextsteps import services
from medhome.nextsteps.models import PositiveScreen, StepStatus
from medhome.referrals.models import Referral
from medhome.referrals.states import Status as ReferralStatus
from medhome.screening.models import Administration, Status

from .conftest import directory_service

pytestmark = pytest.mark.django_db


def result_url(administration) -> str:
    return reverse("screening:result", kwargs={"administration_id": administration.pk})


def chart_url(child) -> str:
    return reverse("families:chart", kwargs={"child_id": child.pk})


def step_url(name: str, step) -> str:
    return reverse(f"nextsteps:{name}", kwargs={"step_id": step.pk})


@pytest.fixture
def adolescent_phqa(pediatrician, child_a):
    """An adolescent's own positive PHQ-A (confidential), scored."""
    administration = Administration.objects.create(
        practice=child_a.practice,
        child=child_a,
        instrument_key="phqa",
        instrument_version="1",
        mode="tablet",
        respondent="adolescent",
        language="en",
        confidential=True,
        status=Status.SCORED,
        started_at=clock.now(),
        updated_at=clock.now(),
        submitted_at=clock.now(),
        administered_on=clock.today(),
        band="moderate",
        positive=True,
    )
    services.propose_for(pediatrician, administration, clock.now())
    return administration


def test_the_result_page_shows_the_steps_with_their_buttons(client_a, mchat_high):
    html = client_a.get(result_url(mchat_high)).content.decode()

    assert "Next steps proposed" in html
    assert "Refer to Early Intervention (Part C)" in html
    assert "Arrange a hearing (audiology) evaluation" in html
    assert "Hyman, Levy &amp; Myers" in html  # the source beside the step
    assert "Refer (asks for consent)" in html and "Decline this step" in html


def test_the_chart_shows_the_screens_waiting_for_follow_up(client_a, mchat_high, toddler_a):
    html = client_a.get(chart_url(toddler_a)).content.decode()

    assert "Positive screens waiting for follow-up" in html
    assert "Refer for a diagnostic (developmental) evaluation" in html


def test_a_coordinator_sees_the_steps_but_cannot_decline(log_in, staff_a, practice_a, mchat_high):
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    step = PositiveScreen.objects.get().steps.get(key="audiology")

    html = client.get(result_url(mchat_high)).content.decode()
    refused = client.post(step_url("decline", step), {"reason": "Hearing tested last month"})

    assert "Arrange a hearing (audiology) evaluation" in html
    assert "Decline this step" not in html
    assert refused.status_code == 403
    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED


def test_decline_without_a_reason_says_so_and_changes_nothing(client_a, mchat_high):
    step = PositiveScreen.objects.get().steps.get(key="audiology")

    response = client_a.post(step_url("decline", step), {"reason": ""}, follow=True)

    assert "Say why this step is declined" in response.content.decode()
    step.refresh_from_db()
    assert (step.status, step.decline_reason) == (StepStatus.PROPOSED, "")


def test_decline_with_a_reason_shows_it_on_the_result(client_a, mchat_high):
    step = PositiveScreen.objects.get().steps.get(key="audiology")

    response = client_a.post(
        step_url("decline", step), {"reason": "Hearing tested last month, normal"}, follow=True
    )

    assert "Hearing tested last month, normal" in response.content.decode()
    assert AuditEvent.objects.filter(object_type="next_step", object_id=str(step.pk)).exists()


def test_refer_takes_the_person_to_the_consent_step(client_a, mchat_high):
    directory_service("Harbor Early Intervention", Need.EARLY_INTERVENTION)
    step = PositiveScreen.objects.get().steps.get(key="early_intervention")

    response = client_a.post(step_url("refer", step))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:consent", args=[referral.pk])
    assert referral.status == ReferralStatus.DRAFT and referral.requested_at is None


def test_refer_without_a_directory_match_opens_the_start_page_for_the_need(client_a, mchat_high):
    step = PositiveScreen.objects.get().steps.get(key="audiology")

    response = client_a.post(step_url("refer", step))

    assert response["Location"].startswith(reverse("referrals:start", args=[mchat_high.child_id]))
    assert "need=audiology" in response["Location"]
    assert not Referral.objects.exists()


def test_make_it_a_task_and_mark_done_from_the_page(client_a, mchat_high):
    steps = PositiveScreen.objects.get().steps
    back = result_url(mchat_high)

    tasked = client_a.post(step_url("make_task", steps.get(key="audiology")), {"next": back})
    done = client_a.post(step_url("mark_done", steps.get(key="early_intervention")))

    assert (tasked.status_code, tasked["Location"]) == (302, back)
    assert done.status_code == 302
    assert steps.get(key="audiology").status == StepStatus.TAKEN
    assert steps.get(key="early_intervention").status == StepStatus.DONE


def test_an_outside_next_is_not_followed(client_a, mchat_high):
    step = PositiveScreen.objects.get().steps.get(key="audiology")

    response = client_a.post(step_url("make_task", step), {"next": "https://evil.example/"})

    assert response["Location"] == result_url(mchat_high)


@pytest.mark.parametrize("role", [Role.COMMUNITY_HEALTH_WORKER, Role.FRONT_DESK])
def test_a_confidential_screens_steps_are_not_shown_to_chw_or_front_desk(
    log_in, staff_a, practice_a, child_a, adolescent_phqa, role
):
    client = log_in(staff_a[role], practice_a)
    step = PositiveScreen.objects.get().steps.get(key="suicide_risk_assessment")

    chart = client.get(chart_url(child_a)).content.decode()
    posted = client.post(step_url("mark_done", step))

    assert "Assess suicide risk" not in chart
    assert "Positive screens waiting for follow-up" not in chart
    assert posted.status_code in (403, 404)
    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED


def test_the_clinical_team_sees_a_confidential_screens_steps(client_a, child_a, adolescent_phqa):
    chart = client_a.get(chart_url(child_a)).content.decode()

    assert "Assess suicide risk and make a safety plan" in chart


def test_a_confidential_steps_task_names_no_step(pediatrician, adolescent_phqa):
    from medhome.tasks.kinds import title_of
    from medhome.tasks.models import Task

    step = PositiveScreen.objects.get().steps.get(key="treat_or_refer")
    services.make_task(actor=pediatrician, step=step, at=clock.now())

    task = Task.objects.get()
    assert "mental health" not in title_of(task.kind, task.details)
    assert "open the result" in title_of(task.kind, task.details)


def test_a_confidential_referral_from_a_step_is_the_adolescents(pediatrician, adolescent_phqa):
    directory_service("Teen Counseling", Need.MENTAL_HEALTH)
    step = PositiveScreen.objects.get().steps.get(key="treat_or_refer")

    referral = services.refer(actor=pediatrician, step=step, at=clock.now())

    assert referral.confidential is True  # its consent must be the adolescent's own
