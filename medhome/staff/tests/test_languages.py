"""The languages a colleague speaks: their own page, the practice admin's, the rules of the
service, and who on a practice's team counts as a speaker
(docs/clinical-rules.md#team-languages)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.practices.models import Membership
from medhome.staff import language_services as services
from medhome.staff.models import StaffLanguage
from medhome.staff.speakers import SPEAKER_LEVELS, cover, speakers_of
from tests import factories
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
AT = datetime(2026, 6, 26, 12, tzinfo=ZoneInfo("America/New_York"))
MINE = reverse("staff:my_languages")


def speaks(user, language, proficiency):
    return StaffLanguage.objects.create(
        user=user, language=language, proficiency=proficiency, updated_at=AT
    )


def member_url(user, practice) -> str:
    membership = Membership.objects.get(user=user, practice=practice)
    return reverse("staff:member_languages", kwargs={"membership_id": membership.pk})


def test_a_colleague_adds_changes_and_removes_their_own_languages(log_in, staff_a, practice_a):
    nurse = staff_a[Role.NURSE]
    client = log_in(nurse, practice_a)

    added = client.post(MINE, {"action": "add", "language": " SPA ", "proficiency": "fluent"})
    row = StaffLanguage.objects.get(user=nurse)
    changed = client.post(MINE, {"action": "change", "row": row.pk, "proficiency": "native"})
    page = client.get(MINE).content.decode()
    proficiency = StaffLanguage.objects.get(pk=row.pk).proficiency
    removed = client.post(MINE, {"action": "remove", "row": row.pk})

    assert (added.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    assert row.language == "es" and proficiency == "native"
    assert "Spanish" in page and "My languages" in page
    assert not StaffLanguage.objects.filter(user=nurse).exists()
    events = AuditEvent.objects.filter(object_type="staff_language").order_by("pk")
    assert [e.detail["change"] for e in events] == ["added", "changed", "removed"]
    assert all(e.object_id == str(nurse.pk) and e.detail["own"] for e in events)


@pytest.mark.parametrize(
    ("language", "proficiency", "field", "message"),
    [
        ("klingonese", "fluent", "language", "is not a"),
        ("es", "", "proficiency", "Choose how well you speak it."),
        ("es", "expert", "proficiency", "Choose one of the levels in the list."),
        ("es-ES", "basic", "language", "(Spain) is already on the list: change its level"),
    ],
)
def test_what_is_refused_says_why_and_saves_nothing(
    staff_a, practice_a, language, proficiency, field, message
):
    nurse = staff_a[Role.NURSE]
    speaks(nurse, "es-ES", "fluent")
    actor = actor_for(nurse, practice_a, Role.NURSE)

    with pytest.raises(ValidationError) as refused:
        services.add_language(
            actor=actor, user=nurse, language=language, proficiency=proficiency, at=AT
        )

    assert any(message in text for text in refused.value.message_dict[field])
    assert StaffLanguage.objects.filter(user=nurse).count() == 1


def test_the_page_shows_the_refusal_on_its_field(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.NURSE], practice_a)

    page = client.post(MINE, {"action": "add", "language": "vi", "proficiency": ""})

    assert page.status_code == 400 and "Choose how well you speak it." in page.content.decode()
    assert not StaffLanguage.objects.exists()


def test_the_practice_admin_edits_a_members_languages(log_in, staff_a, practice_a):
    nurse, admin = staff_a[Role.NURSE], staff_a[Role.PRACTICE_ADMIN]
    url = member_url(nurse, practice_a)
    client = log_in(admin, practice_a)

    client.post(url, {"action": "add", "language": "vi", "proficiency": "conversational"})
    member_page = client.get(reverse("staff:member", args=[Membership.objects.get(user=nurse).pk]))

    assert StaffLanguage.objects.get(user=nurse).language == "vi"
    assert url in member_page.content.decode()
    event = AuditEvent.objects.get(object_type="staff_language")
    assert event.actor_id == admin.pk and event.detail["own"] is False


def test_only_the_admin_opens_a_members_languages(
    log_in, staff_a, practice_a, practice_b, clinician_b
):
    nurse = staff_a[Role.NURSE]
    row = speaks(nurse, "es", "fluent")
    url = member_url(nurse, practice_a)
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    assert coordinator.get(url).status_code == 403
    assert coordinator.post(url, {"action": "remove", "row": row.pk}).status_code == 403
    assert log_in(clinician_b, practice_b).get(url).status_code == 403  # not an admin
    # Another colleague's row through one's own page is not found, and stays.
    assert coordinator.post(MINE, {"action": "remove", "row": row.pk}).status_code == 404
    assert StaffLanguage.objects.filter(pk=row.pk).exists()


def test_an_admin_of_another_practice_is_refused(log_in, staff_a, practice_a, practice_b):
    admin_b = factories.make_staff(
        "b-admin", practice_b, Role.PRACTICE_ADMIN, first_name="Bo", last_name="Berg"
    )
    nurse = staff_a[Role.NURSE]
    actor = actor_for(admin_b, practice_b, Role.PRACTICE_ADMIN)

    with pytest.raises(PermissionError):
        services.add_language(actor=actor, user=nurse, language="es", proficiency="fluent", at=AT)
    assert log_in(admin_b, practice_b).get(member_url(nurse, practice_a)).status_code == 404
    assert not StaffLanguage.objects.exists()


def test_a_speaker_is_conversational_or_better_on_the_practices_active_team(
    staff_a, practice_a, practice_b, clinician_b, nurse_of_both, django_assert_num_queries
):
    assert {"conversational", "fluent", "native"} == SPEAKER_LEVELS
    speaks(staff_a[Role.NURSE], "es", "conversational")
    speaks(staff_a[Role.PEDIATRICIAN], "es-MX", "native")
    speaks(staff_a[Role.FRONT_DESK], "es", "basic")  # a few words: not a speaker
    speaks(clinician_b, "es", "fluent")  # another practice's
    speaks(nurse_of_both, "vi", "fluent")  # works in both: a speaker in each
    removed = staff_a[Role.CARE_COORDINATOR]
    speaks(removed, "es", "fluent")
    Membership.objects.filter(user=removed).update(is_active=False)

    with django_assert_num_queries(1):
        found = speakers_of(practice_a, ["es-US", "vi", "so"])

    assert [(s.name, s.level) for s in found["es"]] == [
        ("Amara Okafor", "native"),
        ("Tomasz Nowakowski", "conversational"),
    ]
    assert [s.name for s in found["vi"]] == ["Ines Duarte"] and "so" not in found
    preferred = speakers_of(practice_a, ["es"], prefer=[staff_a[Role.NURSE].pk])
    assert [s.name for s in preferred["es"]][0] == "Tomasz Nowakowski"
    assert speakers_of(practice_b, ["vi"])["vi"][0].name == "Ines Duarte"


def test_the_interpreter_need_stands_while_nobody_is_fluent(staff_a, practice_a):
    speaks(staff_a[Role.NURSE], "es", "conversational")
    found = speakers_of(practice_a, ["es", "so"])

    assert cover("es", True, found).book_interpreter  # needed, and nobody fluent
    assert not cover("es", False, found).book_interpreter  # a speaker, no interpreter asked
    assert cover("so", False, found).book_interpreter  # nobody speaks it
    speaks(staff_a[Role.PEDIATRICIAN], "es", "fluent")
    assert not cover("es", True, speakers_of(practice_a, ["es"])).book_interpreter


def test_my_languages_in_spanish(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.NURSE], practice_a)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})

    page = client.get(MINE).content.decode()

    assert "Mis idiomas" in page and "Añadir un idioma" in page
