"""Measure definitions in Spanish.

Every denominator, numerator and simplification of every measure is in the catalogue
(labels_i18n.DEFINITIONS lists them for makemessages) with a Spanish translation, so a new or
reworded definition fails here until it is listed and translated; and the measure page shows
them in the page's language.
"""

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from medhome.accounts.roles import Role
from medhome.measures.definitions import MEASURES


@pytest.fixture(autouse=True)
def _language_restored():
    """Requests activate a language in this thread; leave it as it was for the next test."""
    with translation.override(translation.get_language()):
        yield


@pytest.mark.parametrize("key", list(MEASURES))
def test_every_definition_text_has_a_spanish_translation(key):
    measure = MEASURES[key]
    texts = [measure.denominator, measure.numerator, *measure.simplifications]

    with translation.override("es"):
        untranslated = [text for text in texts if gettext(text) == text]

    assert untranslated == []


@pytest.mark.django_db
def test_spanish_measure_page_shows_the_definition_in_spanish(log_in, staff_a, practice_a):
    client = log_in(
        staff_a[Role.PRACTICE_ADMIN], practice_a, headers={"accept-language": "es-US,es;q=0.9"}
    )
    measure = MEASURES["dev_2"]

    response = client.get("/measures/dev_2/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "<dd>Niños que cumplen 2 años en el período.</dd>" in html
    assert escape(measure.denominator) not in html
    with translation.override("es"):
        shown = [measure.numerator, *measure.simplifications]
        assert all(escape(gettext(text)) in html for text in shown)
    assert all(escape(text) not in html for text in shown)
    assert escape(measure.citation) in html  # a source reference, never translated
