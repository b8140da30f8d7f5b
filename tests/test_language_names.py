"""Languages by name: staff choose a language by its name (stored as its code) and read names,
not codes, in their own language."""

import pytest
from django.urls import reverse

from medhome.families.models import Caregiver

from . import factories

pytestmark = pytest.mark.django_db


def test_the_language_is_chosen_by_name_and_stored_as_its_code(client_a, family_a):
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    form = client_a.get(url).content.decode()
    chosen = client_a.post(
        url, factories.caregiver_form_data(given_name="Rafael", preferred_language="vi")
    )
    typed = client_a.post(
        url,
        factories.caregiver_form_data(
            given_name="Lucía", preferred_language="other", preferred_language_other="SPA"
        ),
    )

    assert '<option value="vi">Vietnamese</option>' in form
    assert (chosen.status_code, typed.status_code) == (302, 302)
    stored = dict(Caregiver.objects.values_list("given_name", "preferred_language"))
    assert (stored["Rafael"], stored["Lucía"]) == ("vi", "es")


def test_the_language_names_follow_the_readers_language(client_a, family_a, caregiver_a):
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})
    client_a.post(reverse("set_language"), {"language": "es", "next": "/"})

    form = client_a.get(url).content.decode()
    chart = client_a.get(reverse("families:chart", args=[family_a.children.first().pk]))

    assert '<option value="vi">vietnamita</option>' in form
    assert "inglés" in chart.content.decode() or "español" in chart.content.decode()
