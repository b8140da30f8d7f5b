"""What the chart records about the child's birth for the schedule and the measures (issue 14):
the birth-hospital discharge date (first-week visit window, domain-reference §2)."""

from datetime import date

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.families.models import Child

from . import factories


@pytest.fixture
def newborn(family_a):
    return factories.add_child(
        family_a, legal_given_name="Aurelio", mrn="NB-2026", date_of_birth=date(2026, 11, 20)
    )


def _edit(client, child, **overrides):
    return client.post(
        reverse("families:edit_child", kwargs={"child_id": child.pk}),
        factories.child_form_data_of(child, **overrides),
    )


def test_staff_record_the_birth_hospital_discharge_and_the_chart_shows_it(
    log_in, staff_a, practice_a, newborn
):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)

    saved = _edit(client, newborn, birth_discharged_on="2026-11-22")
    chart = client.get(reverse("families:chart", kwargs={"child_id": newborn.pk}))

    assert saved.status_code == 302
    assert Child.objects.get(pk=newborn.pk).birth_discharged_on == date(2026, 11, 22)
    assert "Discharged from the birth hospital" in chart.content.decode()
    assert "11/22/2026" in chart.content.decode()


@pytest.mark.parametrize("day", ["2026-11-19", "2099-01-01"])
def test_a_discharge_before_birth_or_in_the_future_is_refused(
    log_in, staff_a, practice_a, newborn, day
):
    client = log_in(staff_a[Role.FRONT_DESK], practice_a)

    refused = _edit(client, newborn, birth_discharged_on=day)

    assert refused.status_code == 400
    assert "between the date of birth and today" in refused.content.decode()
    assert Child.objects.get(pk=newborn.pk).birth_discharged_on is None


def test_staff_record_which_caregiver_is_the_birth_parent_and_the_chart_says_so(
    log_in, staff_a, practice_a, family_a, child_a
):
    from medhome.families.models import Caregiver

    client = log_in(staff_a[Role.FRONT_DESK], practice_a)
    url = reverse("families:add_caregiver", kwargs={"family_id": family_a.pk})

    added = client.post(
        url, factories.caregiver_form_data(given_name="Renata", is_birth_parent="on")
    )
    chart = client.get(reverse("families:chart", kwargs={"child_id": child_a.pk}))

    assert added.status_code == 302
    assert Caregiver.objects.get(given_name="Renata").is_birth_parent is True
    assert Caregiver.objects.get(given_name="Marisol").is_birth_parent is False
    assert "birth parent" in chart.content.decode()
