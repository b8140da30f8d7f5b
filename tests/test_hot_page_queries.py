"""Query counts of the hot pages that had none elsewhere (issue 21, part 4: the load test's mix).

Each page is counted at two sizes of data and must stay within one constant: a query per row
would show as the larger size failing. The others of the mix are counted beside their own tests:
Today (tests/screening/test_results.py), the huddle (medhome/huddle/tests/test_sheet.py), the
chart (tests/test_search.py, tests/budgets.py), search (tests/test_search.py), the task list
(medhome/tasks/tests/test_pages.py) and the family's screening link, the portal's first page
(tests/screening/test_family_guidance.py).
"""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.measures.tests.helpers import child as measured_child
from medhome.measures.tests.helpers import screen
from medhome.referrals.models import Referral
from medhome.referrals.services.referral import practice_transitions
from medhome.screening.models import Administration

from . import factories

NOW = "2026-11-23 10:00:00-05:00"  # a Monday
TODAY = date(2026, 11, 23)
NOT_AT_ALL = "LA6568-5"

# The budgets: what each page costs at most, whatever the rows behind it.
SCREENING_ENTRY_GET = 17
SCREENING_ENTRY_SAVE = 23
SCREENING_ENTRY_SUBMIT = 24
SCREENING_TAB = 23
TIMELINE_TAB = 21
REFERRAL_CHANGE = 20
MEASURES_DASHBOARD = 145


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


@pytest.fixture
def infant(family_a):
    return factories.add_child(
        family_a, legal_given_name="Tomás", mrn="TG-2001", date_of_birth=TODAY - timedelta(days=62)
    )


def counted(request) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = request()
    return len(captured), response


def start_phq9(client, infant, caregiver) -> str:  # type: ignore[no-untyped-def]
    """A caregiver PHQ-9 keyed in by staff; returns the form's address."""
    started = client.post(
        reverse("screening:start", kwargs={"child_id": infant.pk}),
        {
            "instrument": "phq9:caregiver",
            "mode": "staff_entry",
            "caregiver": caregiver.pk,
            "override_reason": "Asked to screen again",
        },
    )
    assert started.status_code == 302, started.content.decode()[:500]
    return started["Location"]


def answers(submit: bool) -> dict[str, str]:
    return {
        **{f"item-{n}": NOT_AT_ALL for n in range(1, 10)},
        "action": "submit" if submit else "save",
    }


@pytest.mark.parametrize("earlier", [0, 3])
def test_screening_entry_does_not_grow_with_the_childs_screens(
    coordinator, infant, caregiver_a, earlier
):
    for _ in range(earlier):
        coordinator.post(start_phq9(coordinator, infant, caregiver_a), answers(submit=True))
    form = start_phq9(coordinator, infant, caregiver_a)

    opened, page = counted(lambda: coordinator.get(form))
    saved, _saved = counted(lambda: coordinator.post(form, answers(submit=False)))
    submitted, done = counted(lambda: coordinator.post(form, answers(submit=True)))

    assert page.status_code == 200 and done.status_code == 302
    assert Administration.objects.filter(status="scored").count() == earlier + 1
    assert opened <= SCREENING_ENTRY_GET, opened
    assert saved <= SCREENING_ENTRY_SAVE, saved
    assert submitted <= SCREENING_ENTRY_SUBMIT, submitted


@pytest.mark.parametrize("earlier", [1, 4])
def test_the_charts_screening_and_timeline_tabs_do_not_grow_with_the_history(
    coordinator, infant, caregiver_a, earlier
):
    for _ in range(earlier):
        coordinator.post(start_phq9(coordinator, infant, caregiver_a), answers(submit=True))
    screening_tab = reverse("screening:child", kwargs={"child_id": infant.pk})
    timeline_tab = reverse("timeline:child", kwargs={"child_id": infant.pk})

    screens, page = counted(lambda: coordinator.get(screening_tab))
    events, timeline = counted(lambda: coordinator.get(timeline_tab))

    assert page.status_code == 200 and timeline.status_code == 200
    assert screens <= SCREENING_TAB, screens
    assert events <= TIMELINE_TAB, events


@pytest.mark.parametrize("others", [0, 3])
def test_a_referral_status_change_does_not_grow_with_the_childs_referrals(
    coordinator, child_a, caregiver_a, staff_a, others
):
    pantry = factories.organization("Harbor Pantry")
    user = staff_a[Role.CARE_COORDINATOR]
    for _ in range(others):
        factories.sent_referral(child_a, caregiver_a, user, pantry)
    referral = factories.sent_referral(child_a, caregiver_a, user, pantry)
    to_status = practice_transitions(referral)[0][0]

    queries, answer = counted(
        lambda: coordinator.post(
            reverse("referrals:change", kwargs={"referral_id": referral.pk}),
            {"to_status": to_status, "reason": "The family called back"},
        )
    )

    assert answer.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == to_status
    assert queries <= REFERRAL_CHANGE, queries


@pytest.mark.parametrize("children", [1, 12])
def test_the_measures_dashboard_does_not_grow_with_the_panel(
    log_in, staff_a, practice_a, family_a, children
):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    for day in range(children):
        kid = measured_child(family_a, date(2024, 6, 1 + day), legal_family_name=f"Kid{day}")
        if day % 2:
            screen(kid, date(2025, 12, 1))

    queries, page = counted(lambda: client.get(reverse("measures:dashboard")))

    assert page.status_code == 200
    assert queries <= MEASURES_DASHBOARD, queries


def test_today_counts_the_open_alerts_once_for_its_banner_and_the_badge(
    client_a, child_a, caregiver_a, clinician_a
):
    factories.screening_with_alert(child_a, caregiver_a, clinician_a)
    today = reverse("screening:today")
    client_a.get(today)

    with CaptureQueriesContext(connection) as captured:
        page = client_a.get(today).content.decode()

    counts = [q["sql"] for q in captured if "screening_criticalalert" in q["sql"]]
    assert len(counts) == 1, counts
    assert "1 critical answer is waiting for a clinician." in page
    assert '<span class="count-badge">1<' in page
