"""A program's family page and its contact form (programs:family_page, programs:family_contact):
what a parent partner — programs.work without chart.read — sees of a family and records, who
they may reach, the audit, and a fixed number of queries (docs/clinical-rules.md#parent-partners).
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.programs import contacts, services
from medhome.programs.models import ConcreteSupport, Contact
from medhome.referrals.states import Outcome, Status
from tests import factories
from tests.factories import actor_for, add_child

pytestmark = pytest.mark.django_db

# The page's reads whatever the family's history: session, user, membership, the reader's
# programs (twice: the access, then the page), the child, enrolments, caregivers, their good
# times, contacts, supports; the audit append (chain head, insert) in its savepoints; and, for a
# role a break-glass grant could lift (the parent partner), whether one is open for this child.
PAGE_QUERIES = 20


def page(child) -> str:
    return reverse("programs:family_page", kwargs={"child_id": child.pk})


def contact_url(child, program) -> str:
    return reverse(
        "programs:family_contact", kwargs={"child_id": child.pk, "program_id": program.pk}
    )


@pytest.fixture
def partner(staff_a, practice_a):
    return actor_for(staff_a[Role.PARENT_PARTNER], practice_a, Role.PARENT_PARTNER)


@pytest.fixture
def partner_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.PARENT_PARTNER], practice_a)


def own_program(admin, key: str, roles: list[str]):
    return services.add_own_program(
        actor=admin,
        key=key,
        fields={"name": key.title(), "roles": roles, "contact_every_days": 30},
        at=clock.now(),
    )


@pytest.fixture
def peer_program(admin):
    return own_program(admin, "parent-to-parent", [Role.PARENT_PARTNER])


def enrol(actor, program, child, staff=None, days_ago: int = 20):
    return services.enrol(
        actor=actor,
        program=program,
        child=child,
        on=clock.today() - timedelta(days=days_ago),
        at=clock.now(),
        agreement="spoken",
        staff=staff,
    )


@pytest.fixture
def enrolled(partner, peer_program, child_a, staff_a):
    return enrol(partner, peer_program, child_a, staff=staff_a[Role.PARENT_PARTNER])


def _support(contact, support: str, referral=None):
    return ConcreteSupport.objects.create(
        practice=contact.practice,
        contact=contact,
        child=contact.child,
        support=support,
        referral=referral,
        noted_on=contact.on,
    )


def test_the_page_shows_the_familys_own_words_and_the_programs_work_and_nothing_clinical(
    partner, partner_client, enrolled, peer_program, admin, chw, child_a, caregiver_a, staff_a
):
    type(caregiver_a).objects.filter(pk=caregiver_a.pk).update(
        availability_note="After six, not Fridays",
        has_transportation_barrier=True,
        transportation_note="Two buses to the clinic",
        culture_and_identity="We speak Spanish at home and pray together",
        strengths="Grandmother helps every day",
    )
    ours = contacts.record_contact(
        actor=partner,
        program=peer_program,
        child=child_a,
        kind="contact",
        on=clock.today(),
        at=clock.now(),
        setting="phone",
        strengths="Sings to the baby at bath time",
        protective_factors=["social_connections"],
        note="Team only: asked about the mother's mood",
    )
    chw_program = services.add_program(actor=admin, definition="chw", at=clock.now())
    enrol(chw, chw_program, child_a, staff=staff_a[Role.COMMUNITY_HEALTH_WORKER])
    contacts.record_contact(
        actor=chw,
        program=chw_program,
        child=child_a,
        kind="chw_visit",
        on=clock.today(),
        at=clock.now(),
        setting="home",
        strengths="Not this page's program",
    )
    received = factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], factories.organization("Harbor WIC")
    )
    type(received).objects.filter(pk=received.pk).update(
        status=Status.COMPLETED, outcome=Outcome.NEED_MET
    )
    refused = factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], factories.organization("Harbor Housing")
    )
    type(refused).objects.filter(pk=refused.pk).update(
        status=Status.COMPLETED, outcome=Outcome.NOT_MET
    )
    own = factories.sent_referral(
        child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], factories.organization("Teen Clinic")
    )
    type(own).objects.filter(pk=own.pk).update(confidential=True)
    _support(ours, "wic", received)
    _support(ours, "housing", refused)
    _support(ours, "utility_assistance", own)
    _support(ours, "snap")

    response = partner_client.get(page(child_a))

    assert response.status_code == 200
    body = response.content.decode()
    for shown in (
        "Sofía",
        "After six, not Fridays",
        "Two buses to the clinic",
        "We speak Spanish at home and pray together",
        "Grandmother helps every day",
        "Parent-To-Parent",
        "Sings to the baby at bath time",
        "Social connections",
        "WIC",
        "Received",
        "Housing",
        "Not received",
        "SNAP (food benefits)",
        "Needed — not referred yet",
        contact_url(child_a, peer_program),
    ):
        assert shown in body, shown
    for hidden in (
        "asked about the mother",  # a contact's note for the team
        "Not this page's program",  # a program the parent partner does not work
        "Community health workers",
        "Utility assistance",  # carried by an adolescent's own referral
        "Ran out of food this month",  # the referral's reason
        "Harbor WIC",  # the referral's organization
        reverse("families:chart", kwargs={"child_id": child_a.pk}),
    ):
        assert hidden not in body, hidden


def test_opening_the_page_is_an_audited_read_of_the_child(partner_client, enrolled, child_a):
    partner_client.get(page(child_a))

    event = AuditEvent.objects.filter(object_type="child", object_id=str(child_a.pk)).last()
    assert (event.action, event.detail) == ("view", {"via": "program_family_page"})


def test_the_page_reads_in_a_fixed_number_of_queries(
    partner, partner_client, enrolled, peer_program, child_a, django_assert_max_num_queries
):
    for days in range(5):
        contacts.record_contact(
            actor=partner,
            program=peer_program,
            child=child_a,
            kind="contact",
            on=clock.today() - timedelta(days=days),
            at=clock.now(),
            strengths=f"Strength {days}",
        )

    with django_assert_max_num_queries(PAGE_QUERIES):
        response = partner_client.get(page(child_a))

    assert response.status_code == 200


def test_only_families_in_a_program_naming_the_role_open(
    partner, partner_client, admin, chw, peer_program, family_a, child_a, child_b, staff_a
):
    # A program naming no role (a row the form cannot make): no parent partner reaches it.
    open_to_all = own_program(admin, "open-door", [Role.NURSE])
    open_to_all.roles = []
    open_to_all.save(update_fields=["roles"])
    chw_program = services.add_program(actor=admin, definition="chw", at=clock.now())
    in_open = add_child(family_a, legal_given_name="Abril", mrn="ABRIL-1")
    enrol(chw, open_to_all, in_open)
    in_chw = add_child(family_a, legal_given_name="Bruno", mrn="BRUNO-1")
    enrol(chw, chw_program, in_chw, staff=staff_a[Role.COMMUNITY_HEALTH_WORKER])
    graduated = add_child(family_a, legal_given_name="Celia", mrn="CELIA-1")
    ended = enrol(partner, peer_program, graduated)
    services.end(
        actor=partner, enrolment=ended, to="graduated", reason="", on=clock.today(), at=clock.now()
    )
    enrol(partner, peer_program, child_a)

    statuses = {
        child.legal_given_name: partner_client.get(page(child)).status_code
        for child in (child_a, in_open, in_chw, graduated, child_b)
    }

    assert statuses == {"Sofía": 200, "Abril": 404, "Bruno": 404, "Celia": 404, "Zephyrine": 404}


def test_a_chart_reader_who_works_programs_opens_any_childs_page(client_a, child_a):
    response = client_a.get(page(child_a))

    assert response.status_code == 200
    assert reverse("families:chart", kwargs={"child_id": child_a.pk}) in response.content.decode()


# --- recording a contact from the page ---------------------------------------------------------


def test_a_parent_partner_records_a_contact_from_the_page(
    partner_client, enrolled, peer_program, child_a, caregiver_a
):
    response = partner_client.post(
        contact_url(child_a, peer_program),
        {
            "kind": "contact",
            "setting": "phone",
            "strengths": "Asks for help when she needs it",
            "protective_factors": ["resilience"],
            "caregiver": caregiver_a.pk,
            "show_family": "on",
        },
    )

    assert (response.status_code, response["Location"]) == (302, page(child_a))
    contact = Contact.objects.get(child=child_a, program=peer_program)
    assert (contact.role, contact.kind, contact.strengths, contact.on) == (
        Role.PARENT_PARTNER,
        "contact",
        "Asks for help when she needs it",
        clock.today(),
    )
    assert contact.visit_id is None


def test_a_refused_contact_says_why_and_saves_nothing(
    partner_client, enrolled, peer_program, child_a
):
    response = partner_client.post(
        contact_url(child_a, peer_program),
        {"kind": "contact", "on": (clock.today() + timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert not Contact.objects.filter(child=child_a).exists()


def test_the_page_names_supports_but_never_refers(partner, partner_client, admin, staff_a, child_a):
    peer_dulce = own_program(admin, "peer-navigation", [Role.PARENT_PARTNER])
    peer_dulce.contact_kinds = ["chw_outreach"]
    peer_dulce.save(update_fields=["contact_kinds"])
    enrol(partner, peer_dulce, child_a, staff=staff_a[Role.PARENT_PARTNER])

    form = partner_client.get(contact_url(child_a, peer_dulce)).context["form"]
    response = partner_client.post(
        contact_url(child_a, peer_dulce),
        {"kind": "chw_outreach", "setting": "phone", "outcome": "reached", "supports": ["snap"]},
    )

    assert "supports" in form.fields
    assert "organization" not in form.fields and "legal_organization" not in form.fields
    assert response.status_code == 302
    support = ConcreteSupport.objects.get(child=child_a)
    assert (support.support, support.referral_id) == ("snap", None)


def test_a_program_the_parent_partner_does_not_work_is_not_found(
    partner_client, admin, chw, enrolled, child_a, staff_a
):
    chw_program = services.add_program(actor=admin, definition="chw", at=clock.now())
    enrol(chw, chw_program, child_a, staff=staff_a[Role.COMMUNITY_HEALTH_WORKER])

    got = partner_client.get(contact_url(child_a, chw_program))
    posted = partner_client.post(
        contact_url(child_a, chw_program),
        {"kind": "chw_outreach", "setting": "phone", "outcome": "reached"},
    )

    assert (got.status_code, posted.status_code) == (404, 404)
    assert not Contact.objects.filter(program=chw_program).exists()


def test_the_charts_contact_form_refuses_a_parent_partner(
    partner_client, enrolled, peer_program, child_a
):
    url = reverse(
        "programs:contact", kwargs={"child_id": child_a.pk, "program_id": peer_program.pk}
    )

    assert partner_client.get(url).status_code == 403
    assert partner_client.post(url, {"kind": "contact"}).status_code == 403
    assert not Contact.objects.exists()


# --- the caseload without the chart ------------------------------------------------------------


def test_the_parent_partners_caseload_links_to_the_family_page_with_whom_to_call(
    partner_client, enrolled, peer_program, child_a
):
    response = partner_client.get(reverse("programs:caseload"))

    assert response.status_code == 200
    body = response.content.decode()
    assert page(child_a) in body
    assert "Marisol García" in body  # whom to call
    assert [p.pk for p in response.context["programs"]] == [peer_program.pk]


def test_the_caseload_filter_refuses_a_program_the_parent_partner_does_not_work(
    partner_client, admin, enrolled
):
    chw_program = services.add_program(actor=admin, definition="chw", at=clock.now())

    response = partner_client.get(reverse("programs:caseload"), {"program": chw_program.pk})

    assert response.status_code == 404


def test_a_community_health_workers_caseload_still_links_to_the_chart(
    log_in, staff_a, practice_a, chw, admin, child_a
):
    chw_program = services.add_program(actor=admin, definition="chw", at=clock.now())
    enrol(chw, chw_program, child_a, staff=staff_a[Role.COMMUNITY_HEALTH_WORKER])
    client = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)

    body = client.get(reverse("programs:caseload")).content.decode()

    assert reverse("families:chart", kwargs={"child_id": child_a.pk}) + "#programs" in body
    assert page(child_a) not in body
