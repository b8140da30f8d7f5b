"""The huddle sheet names who on the team speaks the family's language, or says to book an
interpreter (docs/clinical-rules.md#team-languages)."""

import pytest

from medhome.accounts.roles import Role
from medhome.staff.models import StaffLanguage
from tests import factories

from .conftest import NOW, TOMORROW, at
from .test_sheet import sheet_url

pytestmark = pytest.mark.django_db


def speaks(user, language, proficiency):
    StaffLanguage.objects.create(
        user=user, language=language, proficiency=proficiency, updated_at=NOW
    )


def test_the_sheet_names_the_speakers_the_visits_clinician_first(
    client_a, staff_a, child_a, caregiver_a
):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    speaks(staff_a[Role.NURSE], "es", "conversational")
    speaks(staff_a[Role.PEDIATRICIAN], "es", "fluent")
    speaks(staff_a[Role.FRONT_DESK], "es", "basic")

    page = client_a.get(sheet_url())

    [row] = page.context["sheet"].rows
    assert [s.name for s in row.language.speakers] == ["Amara Okafor", "Tomasz Nowakowski"]
    body = page.content.decode()
    assert "Speaks Spanish: Amara Okafor (fluent), Tomasz Nowakowski (conversational)" in body
    assert "book an interpreter" not in body.split("Speaks Spanish")[1].split("</dd>")[0]


def test_no_speaker_says_book_an_interpreter_and_english_says_nothing(
    client_a, staff_a, family_a, child_a, practice_a
):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    _family, english, _caregiver = factories.register(
        practice_a,
        family_name="Smith family",
        child=factories.child_values(legal_given_name="Ada", legal_family_name="Smith", mrn="S-1"),
        caregiver=factories.caregiver_values(
            given_name="Jo", family_name="Smith", preferred_language="en", needs_interpreter=False
        ),
    )
    factories.schedule_visit(english, at=at(TOMORROW, 10))
    speaks(staff_a[Role.NURSE], "es", "conversational")  # the family needs an interpreter

    page = client_a.get(sheet_url())

    spanish, smith = page.context["sheet"].rows
    assert spanish.language.book_interpreter and smith.language is None
    assert "nobody fluent — book an interpreter" in page.content.decode()
    StaffLanguage.objects.all().delete()
    assert (
        "no speaker on the team — book an interpreter" in client_a.get(sheet_url()).content.decode()
    )


def test_another_practices_speaker_is_not_named(client_a, child_a, clinician_b):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    speaks(clinician_b, "es", "native")

    body = client_a.get(sheet_url()).content.decode()

    assert "Volkov" not in body and "no speaker on the team" in body
