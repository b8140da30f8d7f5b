"""A multi-select item (AHC HRSN item 2, problems with the place the family lives) keeps every
box ticked whoever keys it: the family's phone, the clinic tablet and staff entry share one
parsing path (screening/forms.answers_from), and the score reads every box."""

import re

import pytest
from django.urls import reverse

from medhome.screening.models import Administration, Status

MOLD, NO_HEAT, NONE_OF_THESE = "LA28580-1", "LA31998-0", "LA9-3"
STEADY, NEVER, NO_TRANSPORT_PROBLEM = "LA31993-1", "LA28398-8", "LA32-8"
SAFETY_NEVER = "LA6270-8"


def ahc_answers(housing: list[str]) -> dict:
    answers: dict = {
        "item-1": STEADY,
        "item-2": housing,
        "item-3": NEVER,
        "item-4": NEVER,
        "item-5": NO_TRANSPORT_PROBLEM,
        "item-6": NO_TRANSPORT_PROBLEM,
    }
    answers.update({f"item-{n}": SAFETY_NEVER for n in (7, 8, 9, 10)})
    return answers


def start(client, child, caregiver, mode: str) -> str:
    started = client.post(
        reverse("screening:start", kwargs={"child_id": child.pk}),
        {"instrument": "ahc_hrsn:caregiver", "mode": mode, "caregiver": caregiver.pk},
    )
    assert started.status_code == 302, started.content.decode()[:2000]
    return started["Location"]


@pytest.mark.parametrize("mode", ["tablet", "staff_entry"])
def test_clinic_entry_keeps_every_box_and_scores_them(client_a, infant_a, caregiver_a, mode):
    form_url = start(client_a, infant_a, caregiver_a, mode)

    saved = client_a.post(form_url, {**ahc_answers([MOLD, NO_HEAT]), "action": "save"})
    administration = Administration.objects.get()
    assert saved.status_code in (200, 204, 302)
    assert set(administration.answers["2"].split(",")) == {MOLD, NO_HEAT}

    client_a.post(form_url, {**ahc_answers([MOLD, NO_HEAT]), "action": "submit"})
    administration.refresh_from_db()
    assert administration.status == Status.SCORED
    assert set(administration.answers["2"].split(",")) == {MOLD, NO_HEAT}
    assert administration.positive is True
    assert administration.positive_domains == ["housing"]


@pytest.mark.parametrize("mode", ["tablet", "staff_entry"])
def test_a_form_shown_again_after_an_error_keeps_every_box_ticked(
    client_a, infant_a, caregiver_a, mode
):
    form_url = start(client_a, infant_a, caregiver_a, mode)

    refused = client_a.post(
        form_url, {**ahc_answers([MOLD, NO_HEAT]), "item-3": "nope", "action": "save"}
    )

    page = refused.content.decode()
    assert refused.status_code == 400
    for code in (MOLD, NO_HEAT):
        assert re.search(rf'name="item-2" value="{code}" checked', page), code


def test_unticking_every_box_clears_the_item_and_the_housing_need(client_a, infant_a, caregiver_a):
    form_url = start(client_a, infant_a, caregiver_a, "staff_entry")
    client_a.post(form_url, {**ahc_answers([MOLD, NO_HEAT]), "action": "save"})

    unticked = ahc_answers([])
    del unticked["item-2"]  # a browser sends nothing for a group with no box ticked
    client_a.post(form_url, {**unticked, "item-2": NONE_OF_THESE, "action": "submit"})

    administration = Administration.objects.get()
    assert administration.answers["2"] == NONE_OF_THESE
    assert administration.positive is False
    assert "housing" not in administration.positive_domains


def test_the_one_parsing_path_reads_every_box_of_a_posted_form():
    """The family's form, the tablet and staff entry all call answers_from."""
    from django.http import QueryDict

    from medhome.instruments import registry
    from medhome.screening.forms import answers_from

    ahc = registry.get("ahc_hrsn")
    posted = QueryDict(mutable=True)
    posted.setlist("item-2", [MOLD, NO_HEAT])
    posted["item-3"] = NEVER

    # Items left out are not answered (not cleared); the multi-select keeps both boxes.
    assert answers_from(posted, ahc) == {"2": f"{MOLD},{NO_HEAT}", "3": NEVER}
    assert answers_from({"item-2": [MOLD, NO_HEAT]}, ahc) == {"2": f"{MOLD},{NO_HEAT}"}
