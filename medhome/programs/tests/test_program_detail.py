"""A program's page: its facts, enrolments by status and tier, and the eligible children it has
not reached (bounds in whole months, named presets, 50 a page, audited, fixed queries)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.programs import lists, services
from medhome.programs.models import Contact
from tests import program_factories
from tests.factories import add_child

from .conftest import MOMENT

pytestmark = pytest.mark.django_db


def born(family, name: str, days_old: int):
    return add_child(
        family,
        legal_given_name=name,
        mrn=f"MRN-{name}",
        date_of_birth=clock.today() - timedelta(days=days_old),
    )


@pytest.fixture
def reader(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.NURSE], practice_a)


def url(program, **query) -> str:
    base = reverse("programs:detail", args=[program.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(response) -> str:
    return response.content.decode().split('id="not-reached"')[1]


def test_the_page_shows_the_facts_and_counts_by_status_and_tier(
    reader, programs_a, infant_a, family_a, specialist
):
    hs = programs_a["healthysteps"]
    services.offer(actor=specialist, program=hs, child=infant_a, on=MOMENT.date(), at=MOMENT)
    for name in ("Ana", "Ben"):
        services.enrol(
            actor=specialist,
            program=hs,
            child=born(family_a, name, 200),
            on=clock.today(),
            at=clock.now(),
            agreement="spoken",
            tier="2",
        )

    page = reader.get(url(hs)).content.decode()

    assert "HealthySteps" in page and "from birth to under 3 years" in page
    assert "healthysteps.org" in page
    assert "Tier 3 — comprehensive" in page
    assert "<td>Offered</td><td>1</td>" in page
    assert "<td>Enrolled</td><td>2</td>" in page
    assert "<td>Tier 2 — short-term support</td><td>2</td>" in page


def test_the_not_reached_list_names_eligible_children_never_offered(
    reader, programs_a, family_a, specialist
):
    newborn = born(family_a, "Nia", 20)
    offered = born(family_a, "Omar", 40)
    too_old = born(family_a, "Pia", 300)
    services.offer(
        actor=specialist,
        program=programs_a["dulce"],
        child=offered,
        on=clock.today(),
        at=clock.now(),
    )

    section = listed(reader.get(url(programs_a["dulce"])))

    assert reverse("families:chart", args=[newborn.pk]) in section
    assert reverse("families:chart", args=[offered.pk]) not in section
    assert reverse("families:chart", args=[too_old.pk]) not in section


def test_the_list_is_audited_with_the_children_it_shows(reader, programs_a, family_a):
    newborn = born(family_a, "Nia", 20)

    reader.get(url(programs_a["dulce"], from_months=0, to_months=3))

    event = AuditEvent.objects.get(object_type=lists.NOT_REACHED_OBJECT)
    assert event.object_id == str(programs_a["dulce"].pk)
    assert event.detail["children"] == [str(newborn.pk)]
    assert event.detail["bounds"] == {"from_months": 0, "to_months": 3}


def test_the_dulce_preset_lists_infants_under_two_months(reader, programs_a, family_a):
    young = born(family_a, "Nia", 30)
    older = born(family_a, "Omar", 100)  # eligible for DULCE, outside the preset

    response = reader.get(url(programs_a["dulce"], preset="under-2-months"))

    section = listed(response)
    assert "Infants under 2 months not offered DULCE" in response.content.decode()
    assert reverse("families:chart", args=[young.pk]) in section
    assert reverse("families:chart", args=[older.pk]) not in section


def test_the_reach_out_and_read_preset_lists_children_without_a_book_this_year(
    reader, programs_a, family_a, staff_a
):
    ror = programs_a["reach_out_and_read"]
    with_book = born(family_a, "Ana", 400)
    without = born(family_a, "Ben", 500)
    old_book = born(family_a, "Cy", 900)
    baby = born(family_a, "Dee", 60)  # under 6 months: not yet
    for child, days_ago in ((with_book, 30), (old_book, 400)):
        Contact.objects.create(
            practice=ror.practice,
            program=ror,
            child=child,
            kind="book_given",
            on=clock.today() - timedelta(days=days_ago),
            recorded_at=clock.now(),
            staff=staff_a[Role.PEDIATRICIAN],
            role=Role.PEDIATRICIAN,
            setting="clinic",
        )

    response = reader.get(url(ror, preset="no-book-this-year"))

    section = listed(response)
    assert "Children 6 months–5 years without a book this year" in response.content.decode()
    shown = {c for c in (with_book, without, old_book, baby) if str(c.pk) in section}
    assert shown == {without, old_book}


@pytest.mark.parametrize(
    "query",
    [
        {"from_months": "six"},
        {"to_months": "-1"},
        {"from_months": "1.5"},
        {"from_months": "6", "to_months": "2"},
        {"preset": "everyone-ever"},
    ],
)
def test_malformed_bounds_are_a_clear_400(reader, programs_a, query):
    response = reader.get(url(programs_a["dulce"], **query))

    assert response.status_code == 400
    page = response.content.decode()
    assert "This request could not be read" in page
    assert any(
        words in page
        for words in ("whole number of months", "above the lower age", "not one of this program")
    )
    assert not AuditEvent.objects.filter(object_type=lists.NOT_REACHED_OBJECT).exists()


def test_the_list_pages_fifty_at_a_time_youngest_first(reader, programs_a, family_a):
    children = [born(family_a, f"Kid{n:02d}", 10 + n) for n in range(52)]

    first = listed(reader.get(url(programs_a["dulce"])))
    second = listed(reader.get(url(programs_a["dulce"], page=2)))

    assert sum(str(c.pk) in first for c in children) == 50
    assert str(children[0].pk) in first
    assert {c for c in children if str(c.pk) in second} == set(children[50:])
    assert "Page 2 of 2" in second


def test_the_pages_keep_the_bounds(reader, programs_a, family_a):
    for n in range(51):
        born(family_a, f"Kid{n:02d}", 10 + n)

    section = listed(reader.get(url(programs_a["dulce"], preset="under-2-months")))

    assert "preset=under-2-months&amp;page=2" in section


def test_the_list_reads_a_fixed_number_of_queries(
    reader, programs_a, family_a, django_assert_num_queries
):
    born(family_a, "Nia", 20)
    reader.get(url(programs_a["dulce"]))  # warm the session and the translations
    with CaptureQueriesContext(connection) as first:
        reader.get(url(programs_a["dulce"]))
    assert len(first.captured_queries) <= 16  # session, practice, program, counts, page, audit
    for n in range(30):
        born(family_a, f"Kid{n:02d}", 21 + n)

    with django_assert_num_queries(len(first.captured_queries)):
        reader.get(url(programs_a["dulce"]))


def test_a_partner_program_is_reached_by_referral_and_lists_no_children(
    reader, programs_a, family_a
):
    born(family_a, "Nia", 20)

    response = reader.get(url(programs_a["home_visiting"]))

    page = response.content.decode()
    assert "Reached by referral for Home visiting" in page
    assert "Families reach this program by a referral" in page
    assert not AuditEvent.objects.filter(object_type=lists.NOT_REACHED_OBJECT).exists()


def test_another_practices_program_is_404(reader, practice_b):
    theirs = program_factories.program(practice_b, "dulce")

    assert reader.get(url(theirs)).status_code == 404


def test_another_practices_children_are_not_listed(reader, programs_a, child_b):
    program_factories.program(child_b.practice, "dulce")

    assert str(child_b.pk) not in listed(reader.get(url(programs_a["chw"])))


def test_a_role_without_the_chart_cannot_read_a_program(log_in, staff_a, practice_a, programs_a):
    client = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    assert client.get(url(programs_a["dulce"])).status_code == 403
