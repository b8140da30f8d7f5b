"""The family's words for the visit on the pre-visit page: kept for the team's huddle, shown back
only to the link that wrote them, refused in the family's language when too long
(docs/clinical-rules.md#huddle-sheet)."""

import pytest

from medhome.audit.models import AuditEvent
from medhome.visits.models import AGENDA_MAX, FamilyAgenda

from .. import factories
from .support import send_link

pytestmark = pytest.mark.django_db

WORDS = "Tomás no duerme bien desde que empezó la guardería"


def agenda_url(link_path: str) -> str:
    return f"{link_path}agenda/"


def test_the_family_writes_what_they_want_to_talk_about(client, phq9_link):
    saved = client.post(agenda_url(phq9_link), {"agenda": f"  {WORDS}  "})

    assert saved.status_code == 302 and "saved=1" in saved["Location"]
    [agenda] = FamilyAgenda.objects.all()
    assert agenda.text == WORDS
    page = client.get(saved["Location"]).content.decode()
    assert WORDS in page and "su equipo de atención lo leerá" in page
    event = AuditEvent.objects.filter(object_type="family_agenda").get()
    assert WORDS not in str(event.detail)


def test_writing_again_replaces_and_an_empty_box_takes_it_back(client, phq9_link):
    client.post(agenda_url(phq9_link), {"agenda": "first words"})
    client.post(agenda_url(phq9_link), {"agenda": WORDS})
    assert list(FamilyAgenda.objects.values_list("text", flat=True)) == [WORDS]

    client.post(agenda_url(phq9_link), {"agenda": ""})

    assert list(FamilyAgenda.objects.values_list("text", flat=True)) == [""]
    assert WORDS not in client.get(phq9_link).content.decode()


def test_too_long_is_refused_in_the_family_language_and_nothing_is_saved(client, phq9_link):
    response = client.post(agenda_url(phq9_link), {"agenda": "x" * (AGENDA_MAX + 1)})

    assert response.status_code == 400
    assert f"menos de {AGENDA_MAX} caracteres" in response.content.decode()
    assert not FamilyAgenda.objects.exists()


def test_another_caregivers_link_never_shows_these_words(
    client, coordinator_a, phq9_link, infant_a, family_a
):
    client.post(agenda_url(phq9_link), {"agenda": WORDS})
    other = factories.add_caregiver(family_a, given_name="Rafael", phone="+16175550142")
    response, other_link = send_link(coordinator_a, infant_a, other, ["phq9:caregiver"])
    assert response.status_code == 200

    assert WORDS not in client.get(other_link).content.decode()


def test_opening_the_agenda_address_goes_back_to_the_start_page(client, phq9_link):
    response = client.get(agenda_url(phq9_link))

    assert response.status_code == 302 and response["Location"].startswith(phq9_link)
    assert not FamilyAgenda.objects.exists()
