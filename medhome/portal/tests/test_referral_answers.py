"""The family's answers on its referral-status page: the question per open referral, one answer
per click, in the page's language, and never about a referral the link does not show."""

import pytest
from django.test import Client
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.portal import links
from medhome.portal.models import Purpose
from medhome.referrals.models import Referral, ReferralEvent
from medhome.tasks.models import Task
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(staff_a):
    return staff_a[Role.CARE_COORDINATOR]


@pytest.fixture
def token(coordinator, child_a, caregiver_a):
    _link, token = links.issue_link(
        actor=coordinator,
        purpose=Purpose.REFERRAL_STATUS,
        child=child_a,
        caregiver=caregiver_a,
        at=clock.now(),
    )
    return token


def url(token: str) -> str:
    return reverse("portal:referral_status", args=[token])


def referral(child, caregiver, user, name="Harbor Pantry", **changes):
    made = factories.sent_referral(child, caregiver, user, factories.organization(name))
    if changes:
        Referral.objects.filter(pk=made.pk).update(**changes)
    made.refresh_from_db()
    return made


def test_each_open_referral_asks_in_the_familys_language(
    client, token, child_a, caregiver_a, user, django_assert_max_num_queries
):
    referral(child_a, caregiver_a, user, "Harbor Pantry")
    referral(child_a, caregiver_a, user, "Closed Pantry", status="completed", outcome="need_met")

    with django_assert_max_num_queries(12):
        page = client.get(url(token)).content.decode()

    assert "¿Recibió ayuda de Harbor Pantry?" in page
    assert "Closed Pantry" in page and "¿Recibió ayuda de Closed Pantry?" not in page
    for words in ("Sí, recibimos ayuda", "Todavía estamos esperando", "Ya no lo necesitamos"):
        assert words in page
    viewed = AuditEvent.objects.filter(action="view", object_type="referral", role="family_link")
    assert viewed.count() == 2
    english = client.get(url(token) + "?lang=en").content.decode()
    assert "Did you get help from Harbor Pantry?" in english
    assert "We could not reach them" in english


def test_an_answer_is_recorded_and_the_page_thanks_the_family(
    client, token, child_a, caregiver_a, user
):
    accepted = referral(child_a, caregiver_a, user, status="accepted")

    response = client.post(
        url(token), {"referral": str(accepted.pk), "answer": "got_help", "lang": "es"}
    )

    assert response.status_code == 302
    assert response["Location"] == url(token) + "?lang=es&thanks=1"
    accepted.refresh_from_db()
    assert (accepted.status, accepted.outcome) == ("completed", "need_met")
    assert (
        "Gracias. Su equipo de cuidado verá su respuesta."
        in client.get(response["Location"]).content.decode()
    )
    assert AuditEvent.objects.filter(object_type="referral", role="family_link").exists()


def test_the_same_answer_posted_twice_records_once(client, token, child_a, caregiver_a, user):
    sent = referral(child_a, caregiver_a, user)
    data = {"referral": str(sent.pk), "answer": "waiting"}

    statuses = [client.post(url(token), data).status_code for _ in range(2)]

    assert statuses == [302, 302]
    assert ReferralEvent.objects.filter(referral=sent).exclude(family_answer="").count() == 1
    assert Task.objects.filter(kind="referral_family_answer").count() == 1


def test_an_unknown_answer_says_so_in_spanish_and_saves_nothing(
    client, token, child_a, caregiver_a, user
):
    sent = referral(child_a, caregiver_a, user)
    events = ReferralEvent.objects.count()

    response = client.post(url(token), {"referral": str(sent.pk), "answer": "maybe"})

    assert response.status_code == 400
    assert "Elija una de las respuestas." in response.content.decode()
    assert ReferralEvent.objects.count() == events and not Task.objects.exists()


def test_a_closed_referral_cannot_be_answered(client, token, child_a, caregiver_a, user):
    closed = referral(child_a, caregiver_a, user, status="failed")

    response = client.post(url(token), {"referral": str(closed.pk), "answer": "waiting"})

    assert response.status_code == 400
    assert "Este referido ya está cerrado" in response.content.decode()
    assert not ReferralEvent.objects.filter(referral=closed).exclude(family_answer="").exists()


def test_a_safety_or_another_caregivers_referral_is_a_404_and_nothing_is_saved(
    client, token, family_a, child_a, caregiver_a, user, child_b, caregiver_b, clinician_b
):
    safety = referral(child_a, caregiver_a, user, "Safe House", need="safety")
    rafael = factories.add_caregiver(family_a, given_name="Rafael", phone="+16175550100")
    his = referral(child_a, rafael, user, "Tidewater Pantry")
    teen = referral(child_a, caregiver_a, user, "Teen Clinic", confidential=True)
    elsewhere = referral(child_b, caregiver_b, clinician_b, "Riverbend Pantry")
    events = ReferralEvent.objects.count()

    answers = [
        client.post(url(token), {"referral": str(r.pk), "answer": "not_needed"})
        for r in (safety, his, teen, elsewhere)
    ]
    malformed = client.post(url(token), {"referral": "1 OR 1=1", "answer": "not_needed"})

    for response in [*answers, malformed]:
        assert response.status_code == 404
        page = response.content.decode()
        assert "Este referido no está en su página." in page
        for name in ("Safe House", "Tidewater Pantry", "Teen Clinic", "Riverbend Pantry"):
            assert name not in page
    assert ReferralEvent.objects.count() == events
    assert not Task.objects.exists()
    assert set(Referral.objects.values_list("status", flat=True)) == {"requested"}


def test_an_answer_needs_the_csrf_token(token, child_a, caregiver_a, user):
    sent = referral(child_a, caregiver_a, user)
    guarded = Client(enforce_csrf_checks=True)

    response = guarded.post(url(token), {"referral": str(sent.pk), "answer": "not_needed"})

    assert response.status_code == 403
    assert Referral.objects.get(pk=sent.pk).status == "requested"


def test_staff_read_the_familys_answer_in_the_referrals_history(
    client, token, log_in, practice_a, child_a, caregiver_a, user
):
    sent = referral(child_a, caregiver_a, user)
    client.post(url(token), {"referral": str(sent.pk), "answer": "unreachable"})
    staff = log_in(user, practice_a)

    page = staff.get(reverse("referrals:detail", args=[sent.pk])).content.decode()

    assert "The family answered: “We could not reach them”" in page
    assert "Marisol García (family)" in page
