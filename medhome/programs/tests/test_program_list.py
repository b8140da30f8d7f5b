"""The practice's programs page: what it runs, adding from the catalogue or its own program,
stopping and restarting — readable by the care team, changed only with programs.manage."""

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.programs.models import Program
from tests import program_factories

pytestmark = pytest.mark.django_db

LIST = "/programs/"


@pytest.fixture
def admin_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)


@pytest.fixture
def nurse_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.NURSE], practice_a)


def own(**overrides) -> dict:
    return {
        "name": "Fathers' circle",
        "summary": "A monthly evening for fathers.",
        "min_age": "0",
        "min_unit": "months",
        "max_age": "3",
        "max_unit": "years",
        "roles": [Role.FAMILY_SPECIALIST],
        "contact_every_days": "30",
    } | overrides


def test_the_list_shows_each_program_with_ages_roles_tiers_and_state(
    nurse_client, programs_a, infant_a, staff_a
):
    program_factories.program_rows(infant_a, staff_a[Role.COMMUNITY_HEALTH_WORKER], key="chw")
    programs_a["vip"].is_active = False
    programs_a["vip"].save()

    page = nurse_client.get(reverse("programs:list")).content.decode()

    assert "Reach Out and Read" in page and "DULCE" in page
    assert "from 6 months to under 5 years" in page  # services.eligibility_words
    assert "Tier 2 — short-term support" in page
    assert "Family specialist" in page  # a role that delivers DULCE
    assert "Reached by referral for Home visiting" in page
    assert "Reached by referral for Developmental evaluation" in page
    assert "Stopped" in page and "Running" in page
    assert reverse("programs:detail", args=[programs_a["dulce"].pk]) in page


def test_a_reader_sees_no_forms_to_change_the_programs(nurse_client, programs_a):
    page = nurse_client.get(LIST).content.decode()

    assert "Add from the catalogue" not in page
    assert "Add our own program" not in page
    assert reverse("programs:running", args=[programs_a["dulce"].pk]) not in page


def test_a_manager_sees_the_catalogue_programs_not_added_yet(admin_client, admin):
    from medhome.programs import services

    from .conftest import MOMENT

    services.add_program(actor=admin, definition="dulce", at=MOMENT)

    page = admin_client.get(LIST).content.decode()

    catalogue = page.split("Add from the catalogue")[1].split("Add our own program")[0]
    assert 'value="dulce"' not in catalogue
    assert 'value="reach_out_and_read"' in catalogue
    assert "reachoutandread.org" in catalogue  # its source
    assert "a new book for the child" in catalogue  # its summary


def test_adding_from_the_catalogue(admin_client, practice_a):
    response = admin_client.post(reverse("programs:add"), {"definition": "healthysteps"})

    assert response.status_code == 302
    program = Program.objects.get(practice=practice_a, key="healthysteps")
    assert program.definition == "healthysteps" and len(program.tiers) == 3


def test_adding_a_program_twice_says_so(admin_client, programs_a):
    response = admin_client.post(reverse("programs:add"), {"definition": "dulce"}, follow=True)

    assert "The practice already runs DULCE." in response.content.decode()
    assert Program.objects.filter(key="dulce").count() == 1


def test_adding_an_unknown_definition_says_so(admin_client):
    response = admin_client.post(reverse("programs:add"), {"definition": "nope"}, follow=True)

    assert "Choose a program from the list." in response.content.decode()
    assert not Program.objects.exists()


def test_adding_our_own_program_converts_ages_to_days(admin_client, practice_a):
    response = admin_client.post(reverse("programs:add_own"), own())

    assert response.status_code == 302
    program = Program.objects.get(practice=practice_a, key="fathers-circle")
    assert (program.name, program.min_age_days, program.max_age_days) == (
        "Fathers' circle",
        0,
        1096,
    )
    assert program.roles == [Role.FAMILY_SPECIALIST] and program.contact_every_days == 30
    assert AuditEvent.objects.filter(object_type="program", object_id=str(program.pk)).exists()


def test_ages_in_months_are_converted_too(admin_client, practice_a):
    admin_client.post(
        reverse("programs:add_own"),
        own(min_age="2", max_age="18", max_unit="months", contact_every_days=""),
    )

    program = Program.objects.get(practice=practice_a, key="fathers-circle")
    assert (program.min_age_days, program.max_age_days) == (61, 548)
    assert program.contact_every_days is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Give the program a name."),
        ({"roles": []}, "Choose the roles that deliver the program."),
        ({"min_age": "2", "max_age": "1", "max_unit": "months"}, "The upper age must be above"),
        ({"min_age": "1", "min_unit": "years", "max_age": "12", "max_unit": "months"}, "above"),
        ({"min_age": "-1"}, "An age is a whole number, zero or more."),
        ({"max_age": "two"}, "Give a whole number."),
        ({"contact_every_days": "0"}, "Give a number of days of 1 or more"),
    ],
)
def test_our_own_program_form_says_what_is_wrong_and_saves_nothing(admin_client, changes, message):
    response = admin_client.post(reverse("programs:add_own"), own(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Program.objects.exists()


def test_a_name_taken_by_the_practice_is_refused(admin_client):
    admin_client.post(reverse("programs:add_own"), own())

    response = admin_client.post(reverse("programs:add_own"), own())

    assert response.status_code == 400
    assert "That short name is taken" in response.content.decode()
    assert Program.objects.count() == 1


def test_stopping_and_restarting(admin_client, programs_a):
    dulce = programs_a["dulce"]
    url = reverse("programs:running", args=[dulce.pk])

    admin_client.post(url, {"running": "no"})
    dulce.refresh_from_db()
    assert not dulce.is_active
    assert "Restart" in admin_client.get(LIST).content.decode()

    admin_client.post(url, {"running": "yes"})
    dulce.refresh_from_db()
    assert dulce.is_active


@pytest.mark.parametrize("role", [Role.NURSE, Role.FAMILY_SPECIALIST, Role.PEDIATRICIAN])
def test_roles_without_programs_manage_cannot_change_them(log_in, staff_a, practice_a, role):
    dulce = program_factories.program(practice_a, "dulce")
    client = log_in(staff_a[role], practice_a)

    statuses = [
        client.post(reverse("programs:add"), {"definition": "vip"}).status_code,
        client.post(reverse("programs:add_own"), own()).status_code,
        client.post(reverse("programs:running", args=[dulce.pk]), {"running": "no"}).status_code,
    ]

    assert statuses == [403, 403, 403]
    dulce.refresh_from_db()
    assert dulce.is_active and Program.objects.count() == 1


def test_the_care_coordinator_manages_programs(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    assert client.post(reverse("programs:add"), {"definition": "vip"}).status_code == 302


def test_another_practices_program_cannot_be_stopped(admin_client, practice_b):
    theirs = program_factories.program(practice_b, "dulce")

    response = admin_client.post(reverse("programs:running", args=[theirs.pk]), {"running": "no"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


def test_another_practices_programs_are_not_listed(nurse_client, practice_b):
    program_factories.program(practice_b, "dulce")

    assert "DULCE" not in nurse_client.get(LIST).content.decode()


def test_a_role_without_the_chart_cannot_read_the_programs(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    assert client.get(LIST).status_code == 403


def test_the_list_in_spanish(nurse_client, programs_a):
    nurse_client.cookies["django_language"] = "es"

    page = nurse_client.get(LIST, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Reach Out and Read" in page  # a proper name
    assert "desde 6 meses hasta antes de 5 años" in page
    assert "Nivel 2 — apoyo a corto plazo" in page


def test_the_list_reads_a_fixed_number_of_queries(
    nurse_client, admin, programs_a, django_assert_max_num_queries
):
    from medhome.programs import services

    from .conftest import MOMENT

    nurse_client.get(LIST)  # warm the session and the translations
    with django_assert_max_num_queries(8) as counted:
        nurse_client.get(LIST)
    few = len(counted.captured_queries)
    for n in range(5):
        fields = {"name": f"P{n}", "roles": [Role.NURSE], "min_age_days": 0}
        services.add_own_program(actor=admin, key=f"own-{n}", fields=fields, at=MOMENT)

    with django_assert_max_num_queries(few):
        nurse_client.get(LIST)


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("reach_out_and_read", "from 6 months to under 5 years"),  # years(5) is 1826 days
        ("healthysteps", "from birth to under 3 years"),
        ("dulce", "from birth to under 6 months"),
        ("chw", "any age"),
    ],
)
def test_a_programs_ages_read_as_they_were_set(practice_a, key, words):
    from medhome.programs.services import eligibility_words

    assert eligibility_words(program_factories.program(practice_a, key)) == words


def test_the_core_reads_in_spanish_with_singular_forms_and_its_own_declined(practice_a):
    from django.utils import translation

    from medhome.programs.models import EnrolmentStatus
    from medhome.programs.services import _ENDINGS, eligibility_words

    vip = program_factories.program(practice_a, "vip", min_age_days=1, max_age_days=366)
    with translation.override("es"):
        assert eligibility_words(vip) == "desde 1 día hasta antes de 12 meses"
        # Not the screening answer's "Declined" ("Prefirió no responder").
        assert str(EnrolmentStatus.DECLINED.label) == "No aceptó"
        assert str(_ENDINGS["left"][1]) == "Indique por qué la familia dejó el programa."
