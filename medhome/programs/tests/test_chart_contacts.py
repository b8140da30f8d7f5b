"""Recording a contact from the chart: each program's form asks only what its contact kinds
need, a book in the family's language in one click, today's visit linked, refusals next to their
field, and the concrete supports with their draft referrals saved with the contact or not at
all."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.directory.models import PracticePartner
from medhome.programs import services
from medhome.programs.models import ConcreteSupport, Contact
from medhome.referrals.models import Referral
from tests import factories
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def partner(practice_a, staff_a):
    organization = factories.organization("Harbor Benefits Hub")
    PracticePartner.objects.create(
        practice=practice_a, organization=organization, trusted=True, updated_at=clock.now()
    )
    return organization


def contact_url(child, program) -> str:
    return reverse("programs:contact", args=[child.pk, program.pk])


def enrol(actor, program, child):
    return services.enrol(
        actor=actor,
        program=program,
        child=child,
        on=clock.today(),
        at=clock.now(),
        agreement="spoken",
    )


def fields_of(response) -> set[str]:
    return set(response.context["form"].fields)


def test_each_program_asks_only_what_its_contacts_need(
    specialist_client, programs_a, baby, partner
):
    common = {"on", "kind", "strengths", "protective_factors", "caregiver", "show_family", "note"}
    hs = specialist_client.get(contact_url(baby, programs_a["healthysteps"]))
    vip = specialist_client.get(contact_url(baby, programs_a["vip"]))
    dulce = specialist_client.get(contact_url(baby, programs_a["dulce"]))
    chw = specialist_client.get(contact_url(baby, programs_a["chw"]))
    book = specialist_client.get(contact_url(baby, programs_a["reach_out_and_read"]))

    assert fields_of(hs) == common | {"setting", "topics"}
    assert fields_of(vip) == common | {"goals"}
    supports = {"supports", "organization", "legal_organization"}
    assert fields_of(dulce) == common | {"topics", "goals"} | supports
    assert fields_of(chw) == common | {"setting", "outcome"} | supports
    assert fields_of(book) == common | {"book_language"}
    assert book.context["form"]["book_language"].initial == "es"  # the family's language
    assert dulce.context["form"]["show_family"].initial is True
    assert "Harbor Benefits Hub" in dulce.content.decode()


def test_a_book_in_one_click_from_the_chart(client_a, programs_a, toddler):
    response = client_a.post(
        contact_url(toddler, programs_a["reach_out_and_read"]),
        {"kind": "book_given", "book_language": "es", "show_family": "on"},
        **HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#programs"
    book = Contact.objects.get()
    assert (book.book_language, book.on, book.enrolment, book.show_family) == (
        "es",
        clock.today(),
        None,
        True,
    )


def test_a_contact_is_linked_to_todays_visit(specialist_client, specialist, programs_a, baby):
    visit = factories.schedule_visit(baby, at=clock.now().isoformat())
    enrol(specialist, programs_a["healthysteps"], baby)

    response = specialist_client.post(
        contact_url(baby, programs_a["healthysteps"]),
        {
            "kind": "hs_consult",
            "setting": "clinic",
            "topics": ["sleep", "feeding"],
            "strengths": "Holds him skin to skin",
            "protective_factors": ["resilience"],
            "show_family": "on",
        },
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.visit, contact.topics, contact.protective_factors) == (
        visit,
        ["sleep", "feeding"],
        ["resilience"],
    )


def test_refusals_are_shown_next_to_their_field(log_in, staff_a, practice_a, programs_a, baby):
    chw_user = staff_a[Role.COMMUNITY_HEALTH_WORKER]
    enrol(actor_for(chw_user, practice_a, Role.COMMUNITY_HEALTH_WORKER), programs_a["chw"], baby)
    client = log_in(chw_user, practice_a)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()

    response = client.post(
        contact_url(baby, programs_a["chw"]),
        {"kind": "chw_outreach", "setting": "phone", "on": tomorrow},
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Record whether the family was reached." in errors["outcome"]
    assert "The date cannot be in the future." in errors["on"]
    assert not Contact.objects.exists()


def test_a_role_that_does_not_deliver_the_program_is_told_who_does(
    log_in, staff_a, practice_a, specialist, programs_a, baby
):
    enrol(specialist, programs_a["dulce"], baby)
    client = log_in(staff_a[Role.NURSE], practice_a)

    response = client.post(contact_url(baby, programs_a["dulce"]), {"kind": "dulce_visit"}, **HTMX)

    assert response.status_code == 200  # htmx swaps the form back with its message
    assert response["HX-Retarget"] == f"#program-slot-{programs_a['dulce'].pk}"
    assert "does not deliver DULCE" in response.content.decode()
    assert not Contact.objects.exists()


def test_supports_start_draft_referrals_linked_for_the_familys_consent(
    specialist_client, specialist, programs_a, baby, partner
):
    enrol(specialist, programs_a["dulce"], baby)

    response = specialist_client.post(
        contact_url(baby, programs_a["dulce"]),
        {
            "kind": "dulce_visit",
            "supports": ["wic", "utility_assistance"],
            "organization": partner.pk,
            "legal_organization": partner.pk,
            "show_family": "on",
        },
    )

    assert response.status_code == 200
    rows = ConcreteSupport.objects.order_by("support")
    assert [row.support for row in rows] == ["utility_assistance", "wic"]
    referrals = Referral.objects.all()
    assert referrals.count() == 4  # each support, and the legal partner's part of each
    page = response.content.decode()
    for referral in referrals:
        assert reverse("referrals:consent", args=[referral.pk]) in page


def test_supports_without_an_organization_are_noted_without_referrals(
    specialist_client, specialist, programs_a, baby
):
    enrol(specialist, programs_a["dulce"], baby)

    response = specialist_client.post(
        contact_url(baby, programs_a["dulce"]),
        {"kind": "dulce_visit", "supports": ["snap"]},
        **HTMX,
    )

    assert response.status_code == 200
    support = ConcreteSupport.objects.get()
    assert (support.support, support.referral) == ("snap", None)
    assert not Referral.objects.exists()


def test_a_refused_support_saves_nothing_of_the_contact(
    specialist_client, specialist, programs_a, baby, partner, monkeypatch
):
    enrol(specialist, programs_a["dulce"], baby)

    def refuse(**kwargs):
        raise ValidationError({"organization": ["That organization does not take referrals."]})

    monkeypatch.setattr("medhome.programs.supports.start_referral", refuse)

    response = specialist_client.post(
        contact_url(baby, programs_a["dulce"]),
        {
            "kind": "dulce_visit",
            "strengths": "Brought every paper",
            "supports": ["housing"],
            "organization": partner.pk,
        },
    )

    assert response.status_code == 400
    assert "does not take referrals" in str(response.context["form"].errors["organization"])
    assert not Contact.objects.exists()
    assert not ConcreteSupport.objects.exists()


def test_a_book_at_the_4_month_visit_needs_the_clinicians_reason(client_a, programs_a, baby):
    url = contact_url(baby, programs_a["reach_out_and_read"])
    book = {"kind": "book_given", "book_language": "es", "show_family": "on"}

    refused = client_a.post(url, book, **HTMX)
    given = client_a.post(url, book | {"override_reason": "Reads with her big sister"}, **HTMX)

    assert "Reach Out and Read is for children from" in refused.content.decode()
    assert given.status_code == 200
    assert Contact.objects.get().override_reason == "Reads with her big sister"


def test_the_chart_offers_a_clinician_the_book_outside_the_ages(client_a, programs_a, baby):
    chart = client_a.get(reverse("families:chart", args=[baby.pk])).content.decode()

    assert "Record it outside the ages, with the reason" in chart


def test_the_contact_page_of_its_own_posts_without_htmx(client_a, programs_a, toddler):
    """On its own page (no JavaScript, or a link opened in a new tab) the form posts as a page:
    htmx would swap the answer into a chart section that page does not have."""
    alone = client_a.get(contact_url(toddler, programs_a["reach_out_and_read"])).content.decode()
    in_slot = client_a.get(contact_url(toddler, programs_a["reach_out_and_read"]), **HTMX)

    assert "hx-post" not in alone.split("<main", 1)[1]
    assert "hx-post" in in_slot.content.decode()
