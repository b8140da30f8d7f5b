"""Two people edit one record: the second save shows the conflict and saves nothing, on the
pages and in the services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.families import services
from medhome.families.models import Caregiver, Child
from medhome.families.services import StaleEdit

from . import factories
from .test_validation import STALE_MESSAGE, body_of, counts

pytestmark = pytest.mark.django_db


def test_stale_child_edit_shows_the_conflict_and_saves_nothing(client_a, child_a):
    url = reverse("families:edit_child", kwargs={"child_id": child_a.pk})
    opened = client_a.get(url)
    assert opened.context["form"]["version"].value() == 1
    services.update_child(
        actor=factories.registrar(child_a.practice),
        child=child_a,
        values={"preferred_name": "Sofi"},
        version=1,
        at=timezone.now(),
    )
    before = counts()

    response = client_a.post(url, factories.child_form_data_of(child_a, city="Chelsea"))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [STALE_MESSAGE]
    assert STALE_MESSAGE in body_of(response)
    assert counts() == before
    saved = Child.objects.get(pk=child_a.pk)
    assert (saved.version, saved.preferred_name, saved.city) == (2, "Sofi", "Boston")


def test_stale_preferences_edit_shows_the_conflict_and_saves_nothing(client_a, caregiver_a):
    url = reverse("families:edit_preferences", kwargs={"caregiver_id": caregiver_a.pk})
    form_data = factories.preferences_form_data(caregiver_a, strengths="We cook together")
    services.update_caregiver_preferences(
        actor=factories.registrar(caregiver_a.practice),
        caregiver=caregiver_a,
        values={"availability_note": "After 6 pm"},
        windows=[],
        version=1,
        at=timezone.now(),
    )
    before = counts()

    response = client_a.post(url, form_data)

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [STALE_MESSAGE]
    assert counts() == before
    saved = Caregiver.objects.get(pk=caregiver_a.pk)
    assert (saved.version, saved.strengths, saved.availability_note) == (2, "", "After 6 pm")
    assert saved.availability.count() == 0


def test_stale_service_updates_raise_and_save_nothing(child_a, caregiver_a):
    registrar = factories.registrar(child_a.practice)
    before = counts()

    with pytest.raises(StaleEdit):
        services.update_child(
            actor=registrar, child=child_a, values={"city": "Chelsea"}, version=0, at=timezone.now()
        )
    with pytest.raises(StaleEdit):
        services.update_caregiver_preferences(
            actor=registrar,
            caregiver=caregiver_a,
            values={"strengths": "Music"},
            windows=[],
            version=2,
            at=timezone.now(),
        )

    assert counts() == before
    assert Child.objects.get(pk=child_a.pk).city == "Boston"
    assert Caregiver.objects.get(pk=caregiver_a.pk).availability.count() == 2
