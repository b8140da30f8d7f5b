"""The pre-visit page names the coming well-child visit's guidance topics and links to public
materials in the family's language (docs/clinical-rules.md#anticipatory-guidance).

The day is frozen (conftest): practice A's infant is 2 months old.
"""

from datetime import timedelta

import pytest
from django.test import override_settings

from .. import factories
from .support import TODAY, send_link

pytestmark = pytest.mark.django_db

CDC_4MO = "https://www.cdc.gov/act-early/milestones/4-months.html"
CDC_ES = "https://www.cdc.gov/act-early/es/milestones/index.html"


def page_of(client, coordinator, child, caregiver, *, language="es", reason="") -> str:
    response, path = send_link(
        coordinator, child, caregiver, ["phq9:caregiver"], language=language, reason=reason
    )
    assert response.status_code == 200 and path
    page = client.get(path)
    assert page.status_code == 200
    return page.content.decode()


def test_a_booked_4_month_visit_shows_its_topics_and_spanish_links(
    client, coordinator_a, infant_a, caregiver_a
):
    # Booked in 8 weeks: the child will be about 4 months old.
    factories.schedule_visit(infant_a, at=f"{TODAY + timedelta(weeks=8)}T09:00:00-05:00")

    page = page_of(client, coordinator_a, infant_a, caregiver_a)

    assert "En esta visita podemos hablar de" in page
    assert "Dientes y salud bucal" in page and "Desarrollo y juego" in page
    assert "Llanto, sueño y cómo calmar al bebé" not in page  # the 2-month visit's
    assert "Teeth and oral health" not in page
    assert f'href="{CDC_ES}" rel="noopener noreferrer external"' in page
    assert CDC_4MO not in page and "en inglés" not in page


def test_without_a_booked_visit_the_due_visit_is_used(client, coordinator_a, infant_a, caregiver_a):
    page = page_of(client, coordinator_a, infant_a, caregiver_a, language="en")

    assert "At this visit we may talk about" in page and "Well-child visit: 2 months" in page
    assert "Crying, sleep and soothing" in page and "Teeth and oral health" not in page
    assert "https://www.cdc.gov/act-early/milestones/2-months.html" in page
    assert "(in English)" not in page


def test_a_one_year_old_sees_the_12_month_topics(client, coordinator_a, family_a, caregiver_a):
    toddler = factories.add_child(
        family_a, legal_given_name="Lucía", mrn="LG-3003", date_of_birth=TODAY - timedelta(days=370)
    )

    page = page_of(
        client, coordinator_a, toddler, caregiver_a, language="en", reason="Mother asked"
    )

    assert "A dentist for the child" in page and "Daily routines and sleep" in page
    assert "Starting solid foods" not in page
    assert "https://www.cdc.gov/act-early/milestones/1-year.html" in page


@override_settings(
    MEDHOME_FAMILY_MATERIALS={
        "2mo": {
            "en": [
                {"title": "Baby at two months", "url": CDC_4MO, "source": "CDC", "license": "PD"}
            ]
        }
    }
)
def test_english_links_only_when_none_in_the_family_language_and_marked(
    client, coordinator_a, infant_a, caregiver_a
):
    page = page_of(client, coordinator_a, infant_a, caregiver_a)

    assert "Baby at two months" in page and 'lang="en"' in page
    assert "en inglés" in page and "no tenemos lecturas en su idioma" in page


@override_settings(MEDHOME_FAMILY_MATERIALS={})
def test_topics_without_materials_show_no_links(client, coordinator_a, infant_a, caregiver_a):
    page = page_of(client, coordinator_a, infant_a, caregiver_a)

    assert "Llanto, sueño y cómo calmar al bebé" in page
    assert "Para leer antes de la visita" not in page and "cdc.gov" not in page


def test_no_link_carries_the_token_or_an_id(client, coordinator_a, infant_a, caregiver_a):
    response, path = send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"])
    token = path.strip("/").split("/")[-1]
    page = client.get(path).content.decode()

    external = [part.split('"')[0] for part in page.split('href="https://')[1:]]
    assert external and all(token not in url and str(infant_a.pk) not in url for url in external)


def test_an_invented_token_still_answers_404(db, client):
    assert client.get("/f/not-a-real-token-but-long-enough/").status_code == 404


# The link, its opening and its audit (door), the screeners and their forms, the agenda, the alert
# check, then the booked visit; with none booked, the schedule's completions too.
@pytest.mark.parametrize(("booked", "queries"), [(True, 8), (False, 9)])
def test_the_page_reads_in_a_fixed_number_of_queries(
    client, coordinator_a, infant_a, caregiver_a, django_assert_num_queries, booked, queries
):
    if booked:
        factories.schedule_visit(infant_a, at=f"{TODAY + timedelta(weeks=8)}T09:00:00-05:00")
    response, path = send_link(coordinator_a, infant_a, caregiver_a, ["phq9:caregiver"])

    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_the_visit_checklist_says_the_family_saw_the_topics(
    client, log_in, clinician_a, practice_a, coordinator_a, infant_a, caregiver_a
):
    from django.urls import reverse

    chart_url = reverse("families:chart", args=[infant_a.pk])
    staff = log_in(clinician_a, practice_a)
    note = "The family saw these topics and their reading on the pre-visit page (11/23/2026)."
    assert 'id="visit-rows"' in staff.get(chart_url).content.decode()
    assert "The family saw these topics" not in staff.get(chart_url).content.decode()

    page_of(client, coordinator_a, infant_a, caregiver_a)

    assert note in staff.get(chart_url).content.decode()
