"""Clinical rules the held-out checks found broken (issue 14), through the screening services:
what a submitted form records on the schedule and the due list."""

from datetime import date

import pytest

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.periodicity.models import RowCompletion
from medhome.screening import services
from medhome.screening.models import Status
from tests import factories

OFTEN, NEVER = "LA28397-0", "LA28398-8"


@pytest.fixture
def clinician(clinician_a, practice_a):
    return factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)


def _give(actor, child, choice, answers, *, caregiver=None):
    administration = services.start_administration(
        actor=actor,
        child=child,
        choice=choice,
        mode="tablet",
        caregiver=caregiver,
        override_reason="Asked for at the visit",
        at=clock.now(),
    )
    return services.save_answers(
        actor=actor, administration=administration, answers=answers, submit=True, at=clock.now()
    )


def test_a_hunger_vital_sign_with_one_at_risk_answer_and_a_blank_is_scored_at_risk(
    clinician, child_a, caregiver_a
):
    hvs = _give(clinician, child_a, "hvs:caregiver", {"1": OFTEN}, caregiver=caregiver_a)

    assert hvs.status == Status.SCORED and hvs.positive is True
    assert hvs.positive_domains == ["food"]
    assert RowCompletion.objects.filter(source_id=hvs.pk, row="social_needs").exists()


def test_a_hunger_vital_sign_with_never_and_a_blank_stays_incomplete(
    clinician, child_a, caregiver_a
):
    hvs = _give(clinician, child_a, "hvs:caregiver", {"1": NEVER}, caregiver=caregiver_a)

    assert hvs.status == Status.PARTIAL and hvs.positive is None


# --- An adolescent's PHQ-2 (docs/clinical-rules.md#screening-row-done "next step pending", §4
# "Suicide risk") -------

NOT_AT_ALL, NEARLY_EVERY_DAY = "LA6568-5", "LA6571-9"
PHQ9_NEGATIVE = {str(n): NOT_AT_ALL for n in range(1, 10)}


@pytest.fixture
def teen(family_a):
    return factories.add_child(
        family_a, legal_given_name="Valentina", mrn="VG-7", date_of_birth=date(2011, 3, 1)
    )


def _depression_row_for_one_child_and_the_panel(teen):
    from medhome.families.models import Child
    from medhome.periodicity.panel import PanelRow, panel_due
    from medhome.screening.due import schedule_of

    today = clock.today()
    one = schedule_of(teen, today).row("depression_suicide")
    annotated = panel_due(Child.objects.filter(pk=teen.pk), today).get()
    return one.status, PanelRow.from_child(annotated, today).rows["depression_suicide"]


def test_an_adolescents_positive_phq2_leaves_the_depression_row_pending(clinician, teen):
    phq2 = _give(clinician, teen, "phq2:adolescent", {"1": NEARLY_EVERY_DAY, "2": NOT_AT_ALL})

    assert phq2.positive is True and phq2.next_step_pending is True
    assert _depression_row_for_one_child_and_the_panel(teen) == (
        "next_step_pending",
        "next_step_pending",
    )


def test_an_adolescents_negative_phq2_does_not_complete_the_depression_row(clinician, teen):
    """No suicide item: a negative PHQ-2 alone leaves the row due
    (docs/clinical-rules.md#screening-instruments)."""
    _give(clinician, teen, "phq2:adolescent", {"1": NOT_AT_ALL, "2": NOT_AT_ALL})

    one, panel = _depression_row_for_one_child_and_the_panel(teen)
    assert one == panel and one in ("due", "overdue")


def test_the_phq9_after_an_adolescents_positive_phq2_completes_the_row(clinician, teen):
    phq2 = _give(clinician, teen, "phq2:adolescent", {"1": NEARLY_EVERY_DAY, "2": NOT_AT_ALL})
    follow = services.start_administration(
        actor=clinician,
        child=teen,
        choice="phq9:adolescent",
        mode="tablet",
        follows=phq2,
        at=clock.now(),
    )
    services.save_answers(
        actor=clinician, administration=follow, answers=PHQ9_NEGATIVE, submit=True, at=clock.now()
    )

    assert _depression_row_for_one_child_and_the_panel(teen) == ("done", "done")
    assert not RowCompletion.objects.filter(source_id=phq2.pk, next_step_pending=True).exists()


@pytest.mark.parametrize(
    ("role", "shows_pending"),
    [
        (Role.PEDIATRICIAN, True),
        (Role.BEHAVIORAL_HEALTH, True),
        (Role.FRONT_DESK, False),
        (Role.COMMUNITY_HEALTH_WORKER, False),
        (Role.PRACTICE_ADMIN, False),
    ],
)
def test_the_due_list_shows_a_positive_screen_waiting_for_its_next_step(
    role, shows_pending, clinician, teen, log_in, staff_a, practice_a
):
    from django.urls import reverse

    _give(clinician, teen, "phq2:adolescent", {"1": NEARLY_EVERY_DAY, "2": NOT_AT_ALL})
    client = log_in(staff_a[role], practice_a)

    due_list = client.get(reverse("screening:due_list")).content.decode()
    chart = client.get(reverse("families:chart", kwargs={"child_id": teen.pk})).content.decode()

    assert "Valentina" in due_list
    assert ("positive, next step pending" in due_list) is shows_pending
    assert ("next step pending" in chart) is shows_pending
