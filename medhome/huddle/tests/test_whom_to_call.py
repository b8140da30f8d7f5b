"""Alerts show whom to call (issue 17 item 4): one families selector for the alerts list, the
acknowledge page and the huddle sheet."""

import pytest
from django.urls import reverse

from medhome.families.models import Caregiver
from medhome.families.selectors import whom_to_call
from medhome.screening.models import Administration
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_primary_contact_is_the_one_to_call(clinician_a_actor, family_a, child_a):
    factories.add_caregiver(
        family_a,
        given_name="Abel",
        family_name="Aguirre",  # sorts first by name: the primary contact still wins
        relationship="father",
        is_primary_contact=False,
        phone="+16175550199",
        preferred_language="en",
        needs_interpreter=False,
        has_transportation_barrier=True,
        transportation_note="No car on weekdays",
    )

    contact = whom_to_call(clinician_a_actor, [child_a])[child_a.pk]

    assert (contact.name, contact.phone, contact.language, contact.needs_interpreter) == (
        "Marisol García",
        "(617) 555-0142",
        "Spanish",
        True,
    )
    # The household's transport barrier, whoever of its caregivers named it.
    assert (contact.transport_barrier, contact.transport_note) == (True, "No car on weekdays")


def test_one_query_for_many_children(
    clinician_a_actor, family_a, child_a, practice_a, django_assert_num_queries
):
    siblings = [
        factories.add_child(family_a, legal_given_name=f"Kid{n}", mrn=f"K-{n}") for n in range(3)
    ]
    other_family, other_child, _ = factories.register(
        practice_a,
        family_name="Nguyen family",
        child=factories.child_values(legal_given_name="An", legal_family_name="Nguyen", mrn="N-1"),
        caregiver=factories.caregiver_values(
            given_name="Lan", family_name="Nguyen", preferred_language="vi", phone="+16175550123"
        ),
    )

    with django_assert_num_queries(1):
        contacts = whom_to_call(clinician_a_actor, [child_a, *siblings, other_child])

    assert {contacts[kid.pk].name for kid in siblings} == {"Marisol García"}
    assert (contacts[other_child.pk].language, contacts[other_child.pk].phone) == (
        "Vietnamese",
        "(617) 555-0123",
    )


def test_another_practices_child_has_no_one_to_call(clinician_a_actor, child_b):
    assert whom_to_call(clinician_a_actor, [child_b]) == {}


def test_the_language_is_named_in_the_readers_language(clinician_a_actor, child_a):
    from django.utils import translation

    with translation.override("es"):
        contact = whom_to_call(clinician_a_actor, [child_a])[child_a.pk]

    assert contact.language == "español"


@pytest.fixture
def alert(child_a, caregiver_a, clinician_a):
    return factories.screening_with_alert(child_a, caregiver_a, clinician_a)["alert"]


def test_the_alerts_list_shows_whom_to_call(client_a, alert):
    body = client_a.get(reverse("screening:alerts")).content.decode()

    assert "Marisol García" in body and "(617) 555-0142" in body
    assert "Spanish" in body and "interpreter needed" in body


def test_the_acknowledge_form_shows_whom_to_call(log_in, staff_a, practice_a, alert):
    from medhome.accounts.roles import Role

    nurse_practitioner = log_in(staff_a[Role.NURSE_PRACTITIONER], practice_a)
    page = nurse_practitioner.get(reverse("screening:acknowledge", kwargs={"alert_id": alert.pk}))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Marisol García" in body and 'href="tel:(617) 555-0142"' in body
    assert "interpreter needed" in body and "Spanish" in body


def test_an_adolescents_own_alert_says_to_speak_with_the_adolescent_first(
    log_in, staff_a, practice_a, alert
):
    from medhome.accounts.roles import Role

    Administration.objects.filter(pk=alert.administration_id).update(confidential=True)
    nurse_practitioner = log_in(staff_a[Role.NURSE_PRACTITIONER], practice_a)

    listed = nurse_practitioner.get(reverse("screening:alerts")).content.decode()
    form = nurse_practitioner.get(
        reverse("screening:acknowledge", kwargs={"alert_id": alert.pk})
    ).content.decode()

    for body in (listed, form):
        assert "speak with the adolescent first" in body


def test_a_family_without_a_phone_says_so(client_a, alert, caregiver_a):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(phone="")

    body = client_a.get(reverse("screening:alerts")).content.decode()

    assert "no phone on file" in body
