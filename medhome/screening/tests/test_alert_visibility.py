"""What each role sees of a critical-answer alert, on every page where one surfaces.

Issue 14, finding 2: front desk, legal partner, practice admin and community health worker saw
"self-harm answer (PHQ-9)" and the clinician's action text for an adolescent's own confidential
screen. Roles that may not see the result see only that a clinician is needed now.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.core import clock
from medhome.screening import services
from medhome.screening.alert_display import present_alert
from tests import factories

SEVERAL_DAYS = "LA6569-3"
ACTION_TEXT = "Safety plan made with Valentina and her mother"
SHOWN_TO_ALL = "A clinician is needed now for this child."

# Who may see an adolescent's confidential result (roles.py: screening.results and
# screening.detail) and who may not.
DETAIL_ROLES = [
    Role.PEDIATRICIAN,
    Role.NURSE_PRACTITIONER,
    Role.NURSE,
    Role.CARE_COORDINATOR,
    Role.FAMILY_SPECIALIST,
    Role.BEHAVIORAL_HEALTH,
]
NO_DETAIL_ROLES = [
    Role.FRONT_DESK,
    Role.LEGAL_PARTNER,
    Role.PRACTICE_ADMIN,
    Role.COMMUNITY_HEALTH_WORKER,
]
BANNER = re.compile(r'<section class="card alert-urgent".*?</section>', re.S)


def _teen_alert(family, clinician, *, name: str, mrn: str):
    teen = factories.add_child(
        family, legal_given_name=name, mrn=mrn, date_of_birth=date(2011, 3, 1)
    )
    actor = factories.actor_for(clinician, teen.practice, Role.PEDIATRICIAN)
    administration = services.start_administration(
        actor=actor, child=teen, choice="phq9:adolescent", mode="tablet", at=clock.now()
    )
    administration = services.save_answers(
        actor=actor,
        administration=administration,
        answers={"9": SEVERAL_DAYS},
        submit=False,
        at=clock.now(),
    )
    return teen, administration.alerts.get(), actor


@pytest.fixture
def teen_alerts(family_a, clinician_a):
    """An open alert on one adolescent's confidential PHQ-9, an acknowledged one on another's."""
    teen, open_alert, actor = _teen_alert(family_a, clinician_a, name="Valentina", mrn="VG-1")
    other, done, _actor = _teen_alert(family_a, clinician_a, name="Mateo", mrn="MG-2")
    services.acknowledge_alert(actor=actor, alert=done, action_taken=ACTION_TEXT, at=clock.now())
    assert open_alert.administration.confidential
    return {"teen": teen, "open": open_alert, "done": done}


def _page(log_in, user, practice, url):
    response = log_in(user, practice).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _banner(html: str) -> str:
    found = BANNER.search(html)
    assert found, "the alert banner is shown to everyone who opens the chart"
    return found.group(0)


@pytest.mark.parametrize("role", NO_DETAIL_ROLES)
def test_the_chart_banner_says_only_that_a_clinician_is_needed(
    role, log_in, staff_a, practice_a, teen_alerts
):
    html = _page(
        log_in,
        staff_a[role],
        practice_a,
        reverse("families:chart", kwargs={"child_id": teen_alerts["teen"].pk}),
    )

    banner = _banner(html)
    assert SHOWN_TO_ALL in banner
    assert "self-harm" not in banner and "PHQ" not in banner
    assert ACTION_TEXT not in html


@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_the_chart_banner_names_the_answer_to_the_clinical_team(
    role, log_in, staff_a, practice_a, teen_alerts
):
    html = _page(
        log_in,
        staff_a[role],
        practice_a,
        reverse("families:chart", kwargs={"child_id": teen_alerts["teen"].pk}),
    )

    assert "self-harm answer (PHQ-9)" in _banner(html)


@pytest.mark.parametrize("role", NO_DETAIL_ROLES)
def test_the_alerts_list_hides_the_answer_and_the_action_taken(
    role, log_in, staff_a, practice_a, teen_alerts
):
    html = _page(log_in, staff_a[role], practice_a, reverse("screening:alerts"))

    assert SHOWN_TO_ALL in html and "Valentina" in html
    assert "self-harm" not in html and "PHQ" not in html
    assert ACTION_TEXT not in html
    assert "Recorded; visible to the clinical team." in html


@pytest.mark.parametrize("role", DETAIL_ROLES)
def test_the_alerts_list_shows_the_answer_and_the_action_to_the_clinical_team(
    role, log_in, staff_a, practice_a, teen_alerts
):
    html = _page(log_in, staff_a[role], practice_a, reverse("screening:alerts"))

    assert "self-harm answer (PHQ-9)" in html
    assert ACTION_TEXT in html


# The legal partner and the practice admin cannot open the screening tab at all (it answered
# 500 before issue 14; the hardening branch makes it a clear refusal), so it is checked for the
# roles that reach it.
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.COMMUNITY_HEALTH_WORKER])
def test_the_screening_tab_hides_the_answer(role, log_in, staff_a, practice_a, teen_alerts):
    html = _page(
        log_in,
        staff_a[role],
        practice_a,
        reverse("screening:child", kwargs={"child_id": teen_alerts["teen"].pk}),
    )

    banner = _banner(html)
    assert SHOWN_TO_ALL in banner and "self-harm" not in banner and "PHQ" not in banner


@pytest.mark.parametrize("role", NO_DETAIL_ROLES)
def test_the_timeline_and_tasks_never_name_the_answer(
    role, log_in, staff_a, practice_a, teen_alerts
):
    client = log_in(staff_a[role], practice_a)
    pages = [
        client.get(reverse("timeline:child", kwargs={"child_id": teen_alerts["teen"].pk})),
        client.get(reverse("tasks:list"), {"owner": "everyone"}),  # not only the role's own
    ]

    for page in pages:
        html = page.content.decode()
        assert "self-harm" not in html and ACTION_TEXT not in html


def test_a_caregivers_alert_shows_its_detail_to_whoever_sees_results(
    staff_a, practice_a, child_a, caregiver_a, clinician_a
):
    alert = factories.screening_with_alert(child_a, caregiver_a, clinician_a)["alert"]
    chw = factories.actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )
    front_desk = factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)

    assert present_alert(alert, actor=chw).detailed is True
    assert present_alert(alert, actor=front_desk).detailed is False
    assert present_alert(alert, actor=front_desk).instrument == ""
