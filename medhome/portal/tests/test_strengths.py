"""What the team saw the parent doing well, on the family's care-plan page: only what the team
marked to show, only about this link's caregiver or about no one in particular
(docs/clinical-rules.md#programs)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.careplan import services as careplan
from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import Purpose
from medhome.programs.models import Contact
from tests import factories, program_factories

pytestmark = pytest.mark.django_db


def seen(child, user, words: str, *, caregiver=None, show_family: bool = True, days_ago: int = 1):
    program = program_factories.program(child.practice, "chw")
    return Contact.objects.create(
        practice=child.practice,
        program=program,
        child=child,
        kind="chw_visit",
        on=clock.today() - timedelta(days=days_ago),
        recorded_at=clock.now(),
        staff=user,
        role="community_health_worker",
        setting="home",
        strengths=words,
        caregiver=caregiver,
        show_family=show_family,
    )


@pytest.fixture
def second_caregiver(family_a):
    return factories.add_caregiver(family_a, given_name="Rafael", family_name="García")


@pytest.fixture
def strengths(child_a, caregiver_a, second_caregiver, clinician_a, child_b, clinician_b):
    seen(child_a, clinician_a, "Marisol reads to Sofía every night.", caregiver=caregiver_a)
    seen(child_a, clinician_a, "Rafael calms Sofía with songs.", caregiver=second_caregiver)
    seen(child_a, clinician_a, "The family plays together after dinner.", days_ago=3)
    seen(
        child_a,
        clinician_a,
        "Marisol asked hard questions.",
        caregiver=caregiver_a,
        show_family=False,
    )
    seen(child_b, clinician_b, "Practice B's family keeps every visit.")


def page_of(client, coordinator, child, caregiver, **params) -> str:
    careplan.ensure_plan(actor=coordinator, child=child, at=clock.now())
    _link, token = links.issue_link(
        actor=coordinator,
        purpose=Purpose.CARE_PLAN,
        child=child,
        caregiver=caregiver,
        at=clock.now(),
    )
    response = client.get(reverse("portal:plan", args=[token]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_each_caregiver_sees_their_own_and_the_general_words(
    client, coordinator, child_a, caregiver_a, second_caregiver, strengths
):
    marisol = page_of(client, coordinator, child_a, caregiver_a, lang="en")
    rafael = page_of(client, coordinator, child_a, second_caregiver, lang="en")

    assert "What we see you doing well" in marisol
    assert "Marisol reads to Sofía every night." in marisol
    assert "The family plays together after dinner." in marisol
    assert "Rafael calms Sofía" not in marisol
    assert "Rafael calms Sofía with songs." in rafael
    assert "The family plays together after dinner." in rafael
    assert "Marisol reads" not in rafael
    assert "Community health workers" in marisol  # the program's name


def test_words_the_team_did_not_mark_for_the_family_and_another_practices_never_show(
    client, coordinator, child_a, caregiver_a, strengths
):
    page = page_of(client, coordinator, child_a, caregiver_a, lang="en")

    assert "hard questions" not in page
    assert "Practice B" not in page


def test_no_words_no_section(client, coordinator, child_a, caregiver_a):
    assert "What we see you doing well" not in page_of(client, coordinator, child_a, caregiver_a)


def test_the_heading_in_the_familys_language_and_the_words_as_written(
    client, coordinator, child_a, caregiver_a, strengths
):
    page = page_of(client, coordinator, child_a, caregiver_a, lang="es")

    assert "Lo que vemos que hace bien" in page
    assert "Marisol reads to Sofía every night." in page


def test_the_section_costs_one_query_whatever_the_number_of_words(
    client, coordinator, child_a, caregiver_a, clinician_a, strengths
):
    careplan.ensure_plan(actor=coordinator, child=child_a, at=clock.now())
    _link, token = links.issue_link(
        actor=coordinator,
        purpose=Purpose.CARE_PLAN,
        child=child_a,
        caregiver=caregiver_a,
        at=clock.now(),
    )
    url = reverse("portal:plan", args=[token])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries()  # the first opening is recorded on the link
    before = queries()
    for index in range(5):
        seen(child_a, clinician_a, f"Word {index}", caregiver=caregiver_a)
    assert queries() == before


def test_an_invalid_token_is_a_404(client):
    assert client.get(reverse("portal:plan", args=["not-a-token"])).status_code == 404
