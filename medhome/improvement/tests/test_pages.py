"""The cycles' pages: the practice's list, a cycle, new and edit, the stage change; the network's
cycles with their practice's figures before and after (suppressed, no child) and "adopt this
change"; fixed query counts."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.improvement.models import Cycle
from medhome.measures.tests.helpers import child, visit
from tests import factories, improvement_factories
from tests.conftest import PHI_A

pytestmark = pytest.mark.django_db
TODAY = "2026-12-05 15:00:00+00:00"


def form(owner, **overrides) -> dict:
    return {
        "title": "Evening visits",
        "aim_what": "Six visits by 15 months",
        "aim_how_much": "10 points",
        "aim_by": "2027-06-30",
        "measure_key": "w30_1",
        "owner": str(owner.pk),
    } | overrides


@pytest.fixture
def coordinator(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


def test_starting_a_cycle_and_its_messages(coordinator, staff_a, practice_a):
    owner = staff_a[Role.PEDIATRICIAN]
    refused = coordinator.post(reverse("improvement:new"), form(owner, measure_key="w31", title=""))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "That measure is not one of medhome&#x27;s measures." in body
    assert "Name the change you are testing." in body
    assert not Cycle.objects.exists()

    saved = coordinator.post(reverse("improvement:new"), form(owner))

    cycle = Cycle.objects.get()
    assert saved["Location"] == reverse("improvement:detail", kwargs={"cycle_id": cycle.pk})
    assert (cycle.practice, cycle.owner, cycle.stage) == (practice_a, owner, "plan")


def test_a_recommendation_of_another_network_is_not_offered(coordinator, staff_a, practice_a):
    own = improvement_factories.recommendation(practice_a, title="Evening hours, please")
    elsewhere = factories.make_practice("Faraway Pediatrics", network=factories.make_network("X"))
    theirs = improvement_factories.recommendation(elsewhere, title="Saturday clinics")

    page = coordinator.get(reverse("improvement:new")).content.decode()
    posted = coordinator.post(
        reverse("improvement:new"), form(staff_a[Role.PEDIATRICIAN], recommendation=theirs.pk)
    )

    assert "Evening hours, please" in page and "Saturday clinics" not in page
    assert posted.status_code == 400
    assert "That recommendation is another network&#x27;s" in posted.content.decode()
    assert own.pk and not Cycle.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_stage_form_moves_and_refuses_in_words(coordinator, staff_a, practice_a):
    cycle = improvement_factories.cycle(practice_a, staff_a[Role.PEDIATRICIAN])
    url = reverse("improvement:stage", kwargs={"cycle_id": cycle.pk})

    refused = coordinator.post(url, {"to_stage": "do"})
    assert refused.status_code == 400
    assert "Record the day the change started before Do" in refused.content.decode()

    edit = reverse("improvement:edit", kwargs={"cycle_id": cycle.pk})
    saved = coordinator.post(edit, form(staff_a[Role.PEDIATRICIAN], started_on="2026-10-01"))
    assert saved.status_code == 302
    assert coordinator.post(url, {"to_stage": "do"}).status_code == 302
    assert coordinator.post(url, {"to_stage": "study"}).status_code == 302
    no_decision = coordinator.post(url, {"to_stage": "act"})
    assert "Choose the decision at Act" in no_decision.content.decode()
    assert coordinator.post(url, {"to_stage": "act", "decision": "adapt"}).status_code == 302

    page = coordinator.get(reverse("improvement:detail", kwargs={"cycle_id": cycle.pk}))
    body = page.content.decode()
    assert "Adapt: change it and test again" in body and "Study → Act" in body


def test_reading_needs_measures_writing_needs_improvement(log_in, staff_a, practice_a):
    cycle = improvement_factories.cycle(practice_a, staff_a[Role.PEDIATRICIAN])
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    nurse = log_in(staff_a[Role.NURSE], practice_a)
    detail = reverse("improvement:detail", kwargs={"cycle_id": cycle.pk})

    assert admin.get(detail).status_code == 200
    assert nurse.get(detail).status_code == 403
    assert (
        nurse.post(
            reverse("improvement:stage", kwargs={"cycle_id": cycle.pk}), {"to_stage": "do"}
        ).status_code
        == 403
    )


def test_another_practices_cycle_is_a_404(coordinator, practice_b, clinician_b):
    theirs = improvement_factories.cycle(practice_b, clinician_b, title="Their change")

    for name in ("improvement:detail", "improvement:edit"):
        assert coordinator.get(reverse(name, kwargs={"cycle_id": theirs.pk})).status_code == 404
    stage = reverse("improvement:stage", kwargs={"cycle_id": theirs.pk})
    assert coordinator.post(stage, {"to_stage": "do"}).status_code == 404
    listed = coordinator.get(reverse("improvement:list")).content.decode()
    assert "Their change" not in listed


def test_the_list_queries_do_not_grow_with_cycles(
    coordinator, staff_a, practice_a, django_assert_max_num_queries
):
    recommendation = improvement_factories.recommendation(practice_a)
    source = improvement_factories.cycle(practice_a, staff_a[Role.NURSE])

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert coordinator.get(reverse("improvement:list")).status_code == 200
        return len(captured)

    few = count()
    for n in range(5):
        improvement_factories.cycle(
            practice_a,
            staff_a[Role.PEDIATRICIAN],
            title=f"Change {n}",
            recommendation=recommendation,
            adopted_from=source,
        )
    assert count() == few


# --- the network --------------------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_network_page_lists_every_practices_cycles_and_not_another_networks(
    log_in, staff_a, practice_a, practice_b, clinician_b
):
    improvement_factories.cycle(
        practice_a, staff_a[Role.PEDIATRICIAN], title="Ours", started_on=date(2026, 10, 1)
    )
    theirs = improvement_factories.cycle(
        practice_b,
        clinician_b,
        title="Caregiver screen at check-in",
        measure_key="cdep_visits",
        stage="study",
        started_on=date(2026, 6, 1),
    )
    elsewhere = factories.make_practice("Faraway Pediatrics", network=factories.make_network("X"))
    improvement_factories.cycle(elsewhere, clinician_b, title="Another network's change")
    analyst = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)

    page = analyst.get(reverse("improvement:network"))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Ours" in body and "Caregiver screen at check-in" in body
    assert "Another network&#x27;s change" not in body and "Faraway" not in body
    assert "Caregiver depression screening at the 1-, 2-, 4- and 6-month visits" in body
    assert "06/01/2026" in body
    assert "Adopt this change" not in body  # the analyst writes no cycle
    assert [value for value in PHI_A if value in body] == []
    assert str(theirs.pk) not in body  # no link into another practice's cycle, no adopt form
    front_desk = log_in(staff_a[Role.FRONT_DESK], practice_a)
    assert front_desk.get(reverse("improvement:network")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_figures_before_and_after_are_suppressed_below_eleven(
    log_in, staff_a, practice_a, practice_b, clinician_b, family_a
):
    from medhome.families.models import PanelMembership

    # W30 rate 1 anchors on the 15-month birthday: born in March 2025 → June 2026 (before a
    # change started 10/2026); born in August 2025 → November 2026 (after).
    def cohort(born: date, count: int, met: int) -> None:
        for n in range(count):
            kid = child(family_a, born)
            PanelMembership.objects.get_or_create(
                practice=practice_a, child=kid, defaults={"starts_on": born}
            )
            if n < met:
                for months in (1, 2, 4, 6, 9, 12):
                    year, month = divmod(born.month - 1 + months, 12)
                    visit(kid, date(born.year + year, month + 1, 10))

    cohort(date(2025, 3, 3), 24, 12)
    cohort(date(2025, 8, 4), 3, 1)
    improvement_factories.cycle(
        practice_a, staff_a[Role.PEDIATRICIAN], title="Ours", started_on=date(2026, 10, 1)
    )
    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    page = client.get(reverse("improvement:network"))

    row = page.context["rows"][0]
    assert (row.before_cell.numerator, row.before_cell.denominator) == (12, 24)
    assert not row.before_cell.hidden and row.after_cell.hidden
    assert (row.after.start, row.after.end) == (date(2026, 10, 1), date(2026, 11, 30))
    body = page.content.decode()
    assert "(12/24)" in body and "Suppressed (small numbers)" in body and "(1/3)" not in body


@time_machine.travel(TODAY, tick=False)
def test_the_network_page_costs_the_same_for_more_cycles(
    log_in, staff_a, practice_a, practice_b, clinician_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = log_in(staff_a[Role.PEDIATRICIAN], practice_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("improvement:network")).status_code == 200
        return len(captured)

    improvement_factories.cycle(practice_b, clinician_b, started_on=date(2026, 6, 1))
    few = count()
    for n, key in enumerate(["dev", "cdep_visits", "wcv", "ref_closed", "sns_food_screen"]):
        improvement_factories.cycle(
            practice_b,
            clinician_b,
            title=f"Change {n}",
            measure_key=key,
            started_on=date(2025 + n % 2, 3 + n, 1),
            stratum_dimension="language" if n % 2 else "",
            stratum_group="es" if n % 2 else "",
        )
    assert count() == few


@time_machine.travel(TODAY, tick=False)
def test_adopting_another_practices_change(
    coordinator, staff_a, practice_a, practice_b, clinician_b
):
    theirs = improvement_factories.cycle(
        practice_b,
        clinician_b,
        title="Caregiver screen at check-in",
        measure_key="cdep_visits",
        stage="study",
        started_on=date(2026, 6, 1),
        prediction="Answered before the visit",
        learned="Most caregivers answer it",
        stratum_dimension="language",
        stratum_group="es",
    )

    page = coordinator.get(reverse("improvement:network")).content.decode()
    response = coordinator.post(reverse("improvement:adopt"), {"cycle": theirs.pk})

    assert "Adopt this change" in page
    ours = Cycle.objects.get(practice=practice_a)
    assert response["Location"] == reverse("improvement:edit", kwargs={"cycle_id": ours.pk})
    assert (ours.title, ours.measure_key, ours.adopted_from, ours.stage) == (
        "Caregiver screen at check-in",
        "cdep_visits",
        theirs,
        "plan",
    )
    assert (ours.stratum_dimension, ours.stratum_group) == ("language", "es")
    assert (ours.prediction, ours.learned, ours.started_on) == (
        "Answered before the visit",
        "",
        None,
    )
    assert ours.owner == staff_a[Role.CARE_COORDINATOR]


def test_adopting_is_refused_for_own_cycles_other_networks_and_readers(
    log_in, coordinator, staff_a, practice_a, clinician_b
):
    own = improvement_factories.cycle(practice_a, staff_a[Role.PEDIATRICIAN])
    elsewhere = factories.make_practice("Faraway Pediatrics", network=factories.make_network("X"))
    far = improvement_factories.cycle(elsewhere, clinician_b)
    admin_of_nothing = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)
    url = reverse("improvement:adopt")

    already = coordinator.post(url, {"cycle": own.pk}, follow=True)
    assert "This change is already your practice&#x27;s." in already.content.decode()
    assert coordinator.post(url, {"cycle": far.pk}).status_code == 404
    assert coordinator.post(url, {"cycle": "nope"}).status_code == 400
    assert admin_of_nothing.post(url, {"cycle": own.pk}).status_code == 403
    assert Cycle.objects.count() == 2
