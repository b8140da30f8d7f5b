"""The language coverage page: the panel's families by language against the team's speakers,
counts of 1 to 10 not shown (docs/clinical-rules.md#team-languages)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.families.models import Caregiver
from medhome.measures.coverage import language_coverage
from medhome.staff.models import StaffLanguage
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("measures:language_coverage")


def families(practice, count, language, start=0):
    for n in range(start, start + count):
        factories.register(
            practice,
            family_name=f"Family {n}",
            child=factories.child_values(legal_given_name=f"Kid{n}", mrn=f"C-{n}"),
            caregiver=factories.caregiver_values(preferred_language=language),
        )


def test_the_families_languages_against_the_speakers(
    log_in, staff_a, practice_a, practice_b, django_assert_max_num_queries
):
    families(practice_a, 12, "es")
    families(practice_a, 3, "vi", start=12)
    families(practice_b, 20, "so", start=20)
    # A second caregiver in Mexican Spanish: the family still counts once for Spanish.
    first = Caregiver.objects.filter(practice=practice_a).first()
    factories.add_caregiver(first.family, given_name="Tía", preferred_language="es-MX")
    StaffLanguage.objects.create(
        user=staff_a[Role.NURSE], language="es", proficiency="fluent", updated_at=timezone.now()
    )
    actor = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)

    with django_assert_max_num_queries(2):
        rows = language_coverage(actor, on=timezone.localdate())

    assert [(r.language, r.shown_families, len(r.speakers)) for r in rows] == [
        ("es", 12, 1),
        ("vi", None, 0),
    ]
    page = log_in(staff_a[Role.PEDIATRICIAN], practice_a).get(URL).content.decode()
    assert "Tomasz Nowakowski (fluent)" in page and "1 to 10" in page
    assert "no speaker on the team" in page


@pytest.mark.parametrize("role", [Role.PRACTICE_ADMIN, Role.CARE_COORDINATOR, Role.NURSE])
def test_who_opens_the_coverage_page(log_in, staff_a, practice_a, role):
    status = log_in(staff_a[role], practice_a).get(URL).status_code

    assert status == (200 if role != Role.NURSE else 403)
