"""The chart's Programs section: the child's enrolments and the programs the child is eligible
for but not in, the buttons each role gets, a constant query count; and the timeline's program
entries (contacts with the strengths line, enrolment steps)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.programs import contacts, services
from tests.budgets import CHART_QUERIES
from tests.factories import actor_for, add_child

from .conftest import MOMENT

pytestmark = pytest.mark.django_db


def chart(client, child) -> str:
    response = client.get(reverse("families:chart", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_section_lists_eligible_programs_with_their_buttons(
    log_in, staff_a, practice_a, programs_a, baby
):
    page = chart(log_in(staff_a[Role.FAMILY_SPECIALIST], practice_a), baby)

    assert 'id="programs"' in page
    for name in ("DULCE", "HealthySteps", "Video Interaction Project", "Community health workers"):
        assert name in page
    assert "Reach Out and Read" not in page  # from 6 months
    assert "Home visiting" not in page  # a partner program: reached by referral
    assert reverse("programs:offer", args=[baby.pk, programs_a["dulce"].pk]) in page
    assert reverse("programs:enrol", args=[baby.pk, programs_a["dulce"].pk]) in page


def test_an_enrolment_shows_its_status_tier_staff_and_last_contact(
    log_in, staff_a, practice_a, programs_a, baby
):
    specialist = actor_for(staff_a[Role.FAMILY_SPECIALIST], practice_a, Role.FAMILY_SPECIALIST)
    today = clock.today()
    services.enrol(
        actor=specialist,
        program=programs_a["healthysteps"],
        child=baby,
        on=today,
        at=clock.now(),
        agreement="spoken",
        tier="2",
        staff=staff_a[Role.FAMILY_SPECIALIST],
    )
    contacts.record_contact(
        actor=specialist,
        program=programs_a["healthysteps"],
        child=baby,
        kind="hs_consult",
        on=today,
        at=clock.now(),
        setting="phone",
    )

    page = chart(log_in(staff_a[Role.FAMILY_SPECIALIST], practice_a), baby)

    section = page[page.index('id="programs"') :]
    assert "Enrolled" in section
    assert "Tier 2 — short-term support" in section
    assert staff_a[Role.FAMILY_SPECIALIST].get_full_name() in section
    assert today.strftime("%m/%d/%Y") in section
    assert "Record a contact" in section
    # No offer of a program the child is already in.
    assert reverse("programs:offer", args=[baby.pk, programs_a["healthysteps"].pk]) not in page


def test_a_child_of_six_months_gets_give_a_book_in_the_familys_language(
    client_a, programs_a, family_a
):
    toddler = add_child(
        family_a,
        legal_given_name="Sol",
        mrn="SOL-1",
        date_of_birth=clock.today() - timedelta(days=400),
        preferred_language="es",
    )

    page = chart(client_a, toddler)

    assert "Give a book" in page
    assert '<option value="es" selected>' in page
    assert reverse("programs:contact", args=[toddler.pk, programs_a["reach_out_and_read"].pk]) in (
        page
    )


def test_a_role_without_programs_work_sees_the_section_without_buttons(
    log_in, staff_a, practice_a, programs_a, baby
):
    page = chart(log_in(staff_a[Role.LEGAL_PARTNER], practice_a), baby)

    assert 'id="programs"' in page
    assert "DULCE" in page
    assert "programs/" not in page.split('id="programs"')[1].split("</section>")[0]


def test_a_role_without_chart_read_gets_no_section(staff_a, practice_a, programs_a, baby):
    from types import SimpleNamespace

    from medhome.programs.chart import panel_context

    analyst = actor_for(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)

    assert panel_context(SimpleNamespace(actor=analyst), baby, clock.today()) is None


def test_the_chart_query_count_does_not_grow_with_programs(
    log_in, staff_a, practice_a, programs_a, baby, django_assert_max_num_queries
):
    specialist = actor_for(staff_a[Role.FAMILY_SPECIALIST], practice_a, Role.FAMILY_SPECIALIST)
    client = log_in(staff_a[Role.FAMILY_SPECIALIST], practice_a)
    services.offer(
        actor=specialist,
        program=programs_a["dulce"],
        child=baby,
        on=clock.today(),
        at=clock.now(),
    )
    chart(client, baby)
    with django_assert_max_num_queries(CHART_QUERIES) as few:
        chart(client, baby)
    for key in ("vip", "chw"):
        services.enrol(
            actor=specialist
            if key == "vip"
            else actor_for(
                staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
            ),
            program=programs_a[key],
            child=baby,
            on=clock.today(),
            at=clock.now(),
            agreement="spoken",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        chart(client, baby)


def test_the_timeline_shows_contacts_with_strengths_and_enrolment_steps(
    client_a, staff_a, practice_a, programs_a, baby
):
    specialist = actor_for(staff_a[Role.FAMILY_SPECIALIST], practice_a, Role.FAMILY_SPECIALIST)
    enrolment = services.enrol(
        actor=specialist,
        program=programs_a["healthysteps"],
        child=baby,
        on=clock.today(),
        at=clock.now(),
        agreement="spoken",
        tier="1",
    )
    services.change_tier(
        actor=specialist,
        enrolment=enrolment,
        tier="3",
        reason="Mother's PHQ-9 was positive",
        on=clock.today(),
        at=clock.now(),
    )
    contacts.record_contact(
        actor=specialist,
        program=programs_a["healthysteps"],
        child=baby,
        kind="hs_consult",
        on=clock.today(),
        at=clock.now(),
        setting="home",
        strengths="Reads to him every night",
    )

    response = client_a.get(reverse("timeline:child", args=[baby.pk]))

    entries = [e for e in response.context["entries"] if e.kind == "program"]
    titles = [entry.title for entry in entries]
    assert "HealthySteps · HealthySteps specialist contact" in titles
    assert "HealthySteps · Enrolled" in titles
    assert "HealthySteps · Tier Tier 1 — universal → Tier 3 — comprehensive" in titles
    contact = next(e for e in entries if "specialist contact" in e.title)
    assert contact.detail == "At home · Doing well: Reads to him every night"
    tier = next(e for e in entries if "→" in e.title)
    assert tier.detail == "Mother's PHQ-9 was positive"


def test_the_timeline_reads_programs_in_a_fixed_number_of_queries(
    client_a, staff_a, practice_a, programs_a, baby, django_assert_max_num_queries
):
    chw = actor_for(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER)
    services.enrol(
        actor=chw,
        program=programs_a["chw"],
        child=baby,
        on=clock.today(),
        at=clock.now(),
        agreement="spoken",
    )
    url = reverse("timeline:child", args=[baby.pk])
    client_a.get(url)
    with django_assert_max_num_queries(100) as few:
        client_a.get(url)
    for _ in range(5):
        contacts.record_contact(
            actor=chw,
            program=programs_a["chw"],
            child=baby,
            kind="chw_outreach",
            on=clock.today(),
            at=clock.now(),
            setting="phone",
            outcome="left_message",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client_a.get(url)
    assert MOMENT  # the fixtures' moment: the programs were added then
