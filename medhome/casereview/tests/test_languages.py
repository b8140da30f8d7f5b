"""The case-review list says, per family, who on the team speaks its language
(docs/clinical-rules.md#team-languages)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.staff.models import StaffLanguage

from . import helpers

pytestmark = pytest.mark.django_db
LIST = reverse("casereview:list")


def test_each_family_shows_its_language_against_the_team(
    client_a, staff_a, practice_a, child_a, caregiver_a, clinician_b
):
    helpers.sent_referral(
        child_a,
        caregiver_a,
        staff_a[Role.PEDIATRICIAN],
        requested_at=timezone.now() - timedelta(days=21),
    )
    _family, child, caregiver = helpers.another_family(practice_a)
    type(caregiver).objects.filter(pk=caregiver.pk).update(
        preferred_language="vi", needs_interpreter=False
    )
    helpers.missed_visit(child, days_ago=3, now=timezone.now())
    StaffLanguage.objects.create(
        user=staff_a[Role.COMMUNITY_HEALTH_WORKER],
        language="es",
        proficiency="native",
        updated_at=timezone.now(),
    )
    StaffLanguage.objects.create(  # another practice's colleague is not this team
        user=clinician_b, language="vi", proficiency="native", updated_at=timezone.now()
    )

    response = client_a.get(LIST)

    by_name = {row.family.name: row.languages for row in response.context["rows"]}
    [spanish] = by_name["García family"]
    [vietnamese] = by_name["Nguyen family"]
    assert [s.name for s in spanish.speakers] == ["Rosalind Delgadillo"]
    assert not spanish.book_interpreter and vietnamese.book_interpreter
    page = response.content.decode()
    assert "Speaks Spanish: Rosalind Delgadillo (native)" in page
    assert "Vietnamese: " in page and "no speaker on the team — book an interpreter" in page
