""" "You said, we did": public, per practice, in the family's language, never a member's name."""

import uuid

import pytest
from django.urls import reverse

from medhome.council.models import RecommendationStatus as S
from tests import council_factories as cf
from tests import factories

pytestmark = pytest.mark.django_db


def _url(practice) -> str:
    return reverse("council:you_said_we_did", args=[practice.pk])


@pytest.fixture
def answered(council, member):
    return cf.recommendation(
        council,
        english="Evening hours on Tuesdays",
        spanish="Horario de tarde los martes",
        status=S.DONE,
        answer="We now open until 7 on Tuesdays.",
        answer_es="Ahora abrimos hasta las 7 los martes.",
        raised_by=[member],
    )


def test_families_read_the_answers_in_spanish(client, practice_a, answered):
    body = client.get(_url(practice_a), {"lang": "es"}).content.decode()

    assert "Lo que nos dijeron, lo que hicimos" in body
    assert "Horario de tarde los martes" in body
    assert "Ahora abrimos hasta las 7 los martes." in body
    assert "Evening hours" not in body
    assert '<html lang="es">' in body


def test_the_browser_language_is_used_when_none_is_chosen(client, practice_a, answered):
    body = client.get(_url(practice_a), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()

    assert "Horario de tarde los martes" in body


def test_a_text_missing_in_the_page_language_falls_back_to_english_with_a_note(
    client, practice_a, council
):
    cf.recommendation(council, english="A quiet corner for feeding", spanish=None)

    spanish = client.get(_url(practice_a), {"lang": "es"}).content.decode()
    english = client.get(_url(practice_a), {"lang": "en"}).content.decode()

    assert "A quiet corner for feeding" in spanish
    assert "Aún sin traducir: se muestra en inglés." in spanish
    assert '<h2 lang="en">A quiet corner for feeding</h2>' in spanish
    assert "Not yet translated" not in english


def test_a_language_the_pages_do_not_speak_is_english(client, practice_a, answered):
    body = client.get(_url(practice_a), {"lang": "vi"}).content.decode()

    assert "You said, we did" in body and "Evening hours on Tuesdays" in body


def test_the_page_never_names_a_member(client, practice_a, answered, member):
    for language in ("en", "es"):
        body = client.get(_url(practice_a), {"lang": language}).content.decode()
        assert member.name not in body and member.contact_detail not in body


def test_a_network_councils_answers_reach_every_practice_of_the_network(
    client, practice_a, practice_b
):
    cf.recommendation(
        cf.council(practice_b, name="Network parents", network_wide=True),
        english="Interpreters at every visit",
    )
    cf.recommendation(cf.council(practice_b, name="B only"), english="Parking at Riverbend")
    elsewhere = factories.make_practice("Far", network=factories.make_network("Other network"))

    page_a = client.get(_url(practice_a)).content.decode()
    page_far = client.get(_url(elsewhere)).content.decode()

    assert "Interpreters at every visit" in page_a
    assert "a council of all our network" in page_a
    assert "Parking at Riverbend" not in page_a
    assert "Interpreters at every visit" not in page_far


def test_an_unknown_practice_is_not_found(client):
    assert client.get(reverse("council:you_said_we_did", args=[uuid.uuid4()])).status_code == 404


def test_a_heard_request_says_an_answer_will_come(client, practice_a, council):
    cf.recommendation(council, english="Evening hours")

    body = client.get(_url(practice_a)).content.decode()

    assert "We are working on it and will answer here." in body


def test_a_decision_not_to_adopt_says_why(client, practice_a, council):
    cf.recommendation(
        council, english="Saturdays", status=S.NOT_ADOPTED, answer="No staff on Saturdays yet."
    )

    body = client.get(_url(practice_a)).content.decode()

    assert "Why we did not do it" in body and "No staff on Saturdays yet." in body


def test_the_page_is_printable(client, practice_a, answered):
    body = client.get(_url(practice_a)).content.decode()

    assert 'class="no-print muted"' in body and 'class="card council-answer"' in body


def test_the_public_page_takes_the_same_queries_whatever_its_size(
    client, practice_a, council, django_assert_max_num_queries
):
    cf.recommendation(council, english="One")
    with django_assert_max_num_queries(10) as small:
        client.get(_url(practice_a))
    for i in range(10):
        cf.recommendation(council, english=f"Ask {i}")

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_url(practice_a))

    assert len(response.context["rows"]) == 11
