"""An imported AHC HRSN without its interpersonal-safety items (medhome's own export never sends
them) is scored for the domains it answers, its safety domain not determined — never negative
(docs/clinical-rules.md#imported-screens). Anything else missing keeps it incomplete."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.periodicity.models import RowCompletion
from medhome.screening import services
from medhome.screening.models import Administration, CriticalAlert, Mode, Status
from medhome.screening.presenting import outcome_of
from tests import factories

from .test_imported import import_responses, response

pytestmark = pytest.mark.django_db

OFTEN, NEVER = "LA28397-0", "LA28398-8"
HURT_NEVER, HURT_RARELY = "LA6270-8", "LA10066-1"
NO_NEEDS = {
    "1": "LA31993-1",  # a steady place to live
    "2": ["LA9-3"],  # none of the problems
    "3": NEVER,
    "4": NEVER,
    "5": "LA32-8",  # transportation: no
    "6": "LA32-8",  # utilities: no
}
ASKED_SAFETY = {str(n): HURT_NEVER for n in (7, 8, 9, 10)}


def ahc(rid: str, answers: dict) -> dict:
    return response(rid, answers, key="ahc_hrsn")


def imported(practice, tmp_path, answers: dict) -> Administration:
    run = import_responses(practice, tmp_path, ahc("q1", answers))
    assert run.counts["refused"] == {}
    return Administration.objects.get(practice=practice, mode=Mode.IMPORTED)


@pytest.mark.parametrize(
    ("changes", "domains"),
    [
        ({}, []),
        ({"4": OFTEN}, ["food"]),
        ({"1": "LA31994-9", "5": "LA33-6"}, ["housing", "transportation"]),
        ({"2": ["LA28580-1", "LA31998-0"], "6": "LA32002-0"}, ["housing", "utilities"]),
    ],
)
def test_the_form_without_safety_items_is_scored_for_its_domains(
    practice_a, tmp_path, changes, domains
):
    screen = imported(practice_a, tmp_path, NO_NEEDS | changes)

    assert screen.status == Status.SCORED
    assert (screen.positive, screen.band) == (bool(domains), "positive" if domains else "negative")
    assert screen.positive_domains == domains
    assert screen.not_determined_domains == ["safety"]
    assert screen.subscores == {} and screen.total is None
    assert screen.critical == [] and not CriticalAlert.objects.exists()
    # Its schedule row is done on the day it was answered, as at submission.
    completion = RowCompletion.objects.get(child=screen.child, source_id=screen.pk)
    assert (completion.row, completion.done_on) == ("social_needs", date(2026, 6, 1))
    # Its next steps: medhome/nextsteps/tests/test_proposing.py (nextsteps sits above screening).


def test_the_result_and_the_chart_show_safety_was_not_asked(practice_a, tmp_path, client_a):
    screen = imported(practice_a, tmp_path, NO_NEEDS)

    assert "interpersonal safety not asked (not determined)" in str(outcome_of(screen).band_label)
    result = client_a.get(reverse("screening:result", args=[screen.pk]))
    assert result.status_code == 200
    assert "Not asked in this form: not determined" in result.content.decode()
    chart = client_a.get(reverse("screening:child", args=[screen.child_id]))
    assert "safety not asked" in chart.content.decode()
    timeline = client_a.get(reverse("timeline:child", args=[screen.child_id]))
    assert "safety not asked" in timeline.content.decode()


def test_a_form_also_missing_a_food_item_stays_incomplete_and_unscored(practice_a, tmp_path):
    answers = {k: v for k, v in NO_NEEDS.items() if k != "4"} | {"3": OFTEN}
    screen = imported(practice_a, tmp_path, answers)

    assert (screen.status, screen.positive, screen.band) == (Status.PARTIAL, None, "")
    assert screen.positive_domains == [] and screen.not_determined_domains is None
    assert not RowCompletion.objects.filter(source_id=screen.pk).exists()


def test_a_critical_answer_among_the_answered_items_still_alerts(practice_a, tmp_path):
    """A safety block begun ("physically hurt": rarely) is asked, so the form is incomplete; its
    critical answer alerts from the import all the same."""
    screen = imported(practice_a, tmp_path, NO_NEEDS | {"7": HURT_RARELY, "8": HURT_NEVER})

    assert screen.status == Status.PARTIAL and screen.not_determined_domains is None
    alert = CriticalAlert.objects.get(administration=screen)
    assert (alert.kinds, alert.items) == (["safety"], ["7"])


def test_an_imported_form_with_its_safety_items_is_scored_as_in_clinic(practice_a, tmp_path):
    screen = imported(practice_a, tmp_path, NO_NEEDS | ASKED_SAFETY | {"3": OFTEN})

    assert (screen.status, screen.positive_domains) == (Status.SCORED, ["food"])
    assert screen.subscores == {"safety": 4} and screen.not_determined_domains is None


def test_in_clinic_blank_safety_items_still_keep_the_form_partial(
    practice_a, staff_a, child_a, caregiver_a
):
    """Unchanged in clinic: the form can still be finished in private, so it is not scored."""
    clinician = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)
    at = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    form = services.start_administration(
        actor=clinician,
        child=child_a,
        choice="ahc_hrsn:caregiver",
        mode=Mode.STAFF_ENTRY,
        caregiver=caregiver_a,
        override_reason="The family asked about help with food",
        at=at,
    )
    answers = {k: ",".join(v) if isinstance(v, list) else v for k, v in NO_NEEDS.items()}
    kept = services.save_answers(
        actor=clinician, administration=form, answers=answers | {"3": OFTEN}, submit=True, at=at
    )

    assert (kept.status, kept.positive, kept.not_determined_domains) == (Status.PARTIAL, None, None)
