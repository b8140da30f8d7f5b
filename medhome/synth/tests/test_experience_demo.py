"""The experience survey's demo: a few hundred synthetic answers for the dashboard, and a live
link the end-to-end test answers in Spanish."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.experience import definitions, selectors
from medhome.experience.models import Answer, Response
from medhome.synth.experience_demo import add_experience_demo, issue_demo_survey
from medhome.visits.models import Visit
from tests import factories

ALL_BEST = {f"item-{i.key}": "definitely" for i in definitions.MEDHOME_VISIT.items}


def survey_url(token: str) -> str:
    return reverse("portal:experience", args=[token])


@pytest.fixture(autouse=True)
def visited(child_a):
    """The demo asks about a visit that happened: child_a's completed visit a month ago."""
    visit = factories.schedule_visit(
        child_a, at=(timezone.now() - timedelta(days=30)).isoformat(), kind="sick"
    )
    Visit.objects.filter(pk=visit.pk).update(status="completed")


def test_the_demo_answers_and_its_live_link(client, practice_a, child_a, caregiver_a):
    made = add_experience_demo(practice_a, timezone.localdate())
    token = issue_demo_survey(practice_a, child_a, caregiver_a, timezone.now())

    assert made >= 1 and Answer.objects.count() == made * len(definitions.MEDHOME_VISIT.items)
    assert client.post(survey_url(token), {**ALL_BEST, "lang": "es"}).status_code == 302
    rows = selectors.results(
        [practice_a.pk], timezone.localdate() - timedelta(days=400), timezone.localdate()
    )
    assert sum(c.denominator for c in rows[0].rows) == made + 1


def test_loading_the_demo_again_adds_no_answers(practice_a, child_a, caregiver_a):
    first = add_experience_demo(practice_a, timezone.localdate())

    again = add_experience_demo(practice_a, timezone.localdate())

    assert first >= 1 and again == 0 and Response.objects.count() == first


def test_the_demo_link_opens_in_spanish_and_counts_once(client, practice_a, child_a, caregiver_a):
    token = issue_demo_survey(practice_a, child_a, caregiver_a, timezone.now())

    page = client.get(survey_url(token)).content.decode()
    client.post(survey_url(token), {**ALL_BEST, "lang": "es"})
    client.post(survey_url(token), {**ALL_BEST, "lang": "es"})

    assert "¿Cómo fue su visita?" in page
    assert Response.objects.get().language == "es"
