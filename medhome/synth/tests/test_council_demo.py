from datetime import date

import pytest
from django.urls import reverse

from medhome.council.models import Compensation, Member, RecommendationStatus
from medhome.synth.council_demo import STORY_TITLE, add_council_demo

pytestmark = pytest.mark.django_db
DEMO_TODAY = date(2026, 12, 5)


def test_the_demo_council(practice_a, staff_a, client):
    demo = add_council_demo(practice_a, DEMO_TODAY)

    members = list(Member.objects.filter(council=demo.council))
    assert 6 <= len(members) <= 8
    assert {m.language for m in members} == {"en", "es"}
    assert demo.council.meetings.count() == 3
    assert Compensation.objects.filter(practice=practice_a).count() == 18
    story = demo.recommendation
    assert (story.title, story.status) == (STORY_TITLE, RecommendationStatus.IN_PROGRESS)
    assert story.texts.get(language="es").asked.startswith("Visitas en grupo en español")
    statuses = set(demo.council.recommendations.values_list("status", flat=True))
    assert statuses == {"done", "not_adopted", "in_progress", "under_review"}
    assert "[In progress] Group visits in Spanish on weekday evenings" in demo.summary
    assert "Members: 7 current (en, es), 0 former" in demo.summary
    spanish = client.get(
        reverse("council:you_said_we_did", args=[practice_a.pk]), {"lang": "es"}
    ).content.decode()
    assert "Visitas en grupo en español entre semana por la tarde" in spanish
    assert not any(m.name in spanish for m in members)


def test_the_demo_is_idempotent(practice_a, staff_a):
    first = add_council_demo(practice_a, DEMO_TODAY)
    again = add_council_demo(practice_a, DEMO_TODAY)

    assert again.recommendation == first.recommendation
    assert Member.objects.filter(practice=practice_a).count() == 7
