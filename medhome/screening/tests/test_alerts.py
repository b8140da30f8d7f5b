"""Critical alerts (issue 14 findings 3 and 4): escalation after 2 business hours on the
practice calendar to the on-call clinician with an urgent task, and who may acknowledge."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.jobs.models import JobRun
from medhome.jobs.tests.support import database_queue, run_scheduled
from medhome.periodicity.models import RowCompletion
from medhome.practices.models import Membership
from medhome.screening import alerts, services
from medhome.screening.models import Administration, CriticalAlert, Status
from medhome.tasks.models import Task, TaskKind, TaskStatus
from tests import factories
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
FRIDAY_AFTERNOON = datetime(2026, 6, 26, 16, 30, tzinfo=NY)
MONDAY_MORNING = datetime(2026, 6, 29, 9, 30, tzinfo=NY)
SEVERAL_DAYS, NOT_AT_ALL = "LA6569-3", "LA6568-5"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_AFTERNOON, tick=False):
        yield


def actor(staff, practice, role):
    return actor_for(staff[role], practice, role)


@pytest.fixture
def alert_a(child_a, caregiver_a, staff_a):
    # Raised from a tablet handed over by the coordinator (nobody on staff keyed the answers).
    coordinator = staff_a[Role.CARE_COORDINATOR]
    return factories.screening_with_alert(child_a, caregiver_a, coordinator)["alert"]


def keyed_in(child, caregiver, user, role, *, complete=False):
    """A PHQ-9 keyed in from paper by `user`, item 9 answered 'several days'."""
    who = actor_for(user, child.practice, role)
    administration = services.start_administration(
        actor=who,
        child=child,
        choice="phq9:caregiver",
        mode="staff_entry",
        caregiver=caregiver,
        override_reason="Parent asked to talk about mood",
        at=FRIDAY_AFTERNOON,
    )
    answers = {str(n): NOT_AT_ALL for n in range(1, 9)} if complete else {}
    return services.save_answers(
        actor=who,
        administration=administration,
        answers={**answers, "9": SEVERAL_DAYS},
        submit=False,
        at=FRIDAY_AFTERNOON,
    )


# --- Finding 3: escalation ----------------------------------------------------------------------


def test_an_alert_raised_friday_afternoon_escalates_two_business_hours_later_on_monday(alert_a):
    assert alert_a.escalate_at == MONDAY_MORNING  # not Friday 18:30 (2 clock hours)


def test_the_sweep_escalates_once_to_the_lead_pediatrician_with_an_urgent_task(
    alert_a, clinician_a, practice_a, child_b, caregiver_b, clinician_b
):
    other = factories.screening_with_alert(child_b, caregiver_b, clinician_b)["alert"]
    assert alerts.escalate_overdue_alerts(now=MONDAY_MORNING - timedelta(minutes=1)) == 0
    assert alerts.escalate_overdue_alerts(now=MONDAY_MORNING, practice=practice_a) == 1
    assert alerts.escalate_overdue_alerts(now=MONDAY_MORNING + timedelta(hours=1)) == 1  # B's
    assert alerts.escalate_overdue_alerts(now=MONDAY_MORNING + timedelta(hours=2)) == 0

    alert_a.refresh_from_db()
    other.refresh_from_db()
    assert alert_a.escalated_at == MONDAY_MORNING and alert_a.escalated_to == clinician_a
    assert other.escalated_to == clinician_b
    task = Task.objects.get(practice=practice_a)
    assert task.kind == TaskKind.ALERT_ESCALATED and task.is_urgent
    assert task.assignee == clinician_a and task.assignee_role == Role.PEDIATRICIAN
    assert task.source_type == "critical_alert" and task.source_id == str(alert_a.pk)
    assert "PHQ" not in task.title and "self-harm" not in task.title
    trail = AuditEvent.objects.for_object("critical_alert", alert_a.pk).order_by("sequence")
    escalation = trail.last()
    assert escalation.action == "update" and escalation.role == "system"
    assert escalation.detail["fields"] == ["escalated_at", "escalated_to"]
    assert escalation.detail["escalated_to"] == str(clinician_a.pk)


def test_the_practice_chooses_its_on_call_clinician(alert_a, staff_a, practice_a, clinician_b):
    admin = actor(staff_a, practice_a, Role.PRACTICE_ADMIN)
    np = staff_a[Role.NURSE_PRACTITIONER]
    with pytest.raises(PermissionDenied):
        alerts.update_alert_settings(
            actor=actor(staff_a, practice_a, Role.CARE_COORDINATOR),
            acknowledging_roles=["pediatrician"],
            on_call_clinician_id=np.pk,
            at=FRIDAY_AFTERNOON,
        )
    for roles, on_call in (
        (["pediatrician"], np.pk),  # the NP's role may not acknowledge here
        (["pediatrician", "care_coordinator"], None),  # not a clinical role
        ([], None),
        (["pediatrician", "nurse_practitioner"], clinician_b.pk),  # another practice's
    ):
        with pytest.raises(ValidationError):
            alerts.update_alert_settings(
                actor=admin,
                acknowledging_roles=roles,
                on_call_clinician_id=on_call,
                at=FRIDAY_AFTERNOON,
            )
    alerts.update_alert_settings(
        actor=admin,
        acknowledging_roles=["pediatrician", "nurse_practitioner"],
        on_call_clinician_id=np.pk,
        at=FRIDAY_AFTERNOON,
    )
    assert alerts.on_call_clinician(practice_a) == np
    assert AuditEvent.objects.filter(object_type="alert_settings").count() == 1
    alerts.escalate_overdue_alerts(now=MONDAY_MORNING)
    alert_a.refresh_from_db()
    assert alert_a.escalated_to == np
    assert Task.objects.get().assignee_role == Role.NURSE_PRACTITIONER
    # On call but no longer on the team: the lead pediatrician again.
    Membership.objects.filter(user=np, practice=practice_a).update(is_active=False)
    assert alerts.on_call_clinician(practice_a) == staff_a[Role.PEDIATRICIAN]


def test_acknowledging_settles_the_escalation_task(alert_a, staff_a, practice_a):
    alerts.escalate_overdue_alerts(now=MONDAY_MORNING)
    services.acknowledge_alert(
        actor=actor(staff_a, practice_a, Role.BEHAVIORAL_HEALTH),
        alert=alert_a,
        action_taken="Warm hand-off, safety plan made with the mother",
        at=MONDAY_MORNING,
    )
    assert Task.objects.get().status == TaskStatus.CANCELLED
    assert alerts.escalate_overdue_alerts(now=MONDAY_MORNING + timedelta(days=1)) == 0


def test_the_command_escalates_and_the_alerts_list_shows_it(alert_a, log_in, staff_a, practice_a):
    out = StringIO()
    with time_machine.travel(MONDAY_MORNING, tick=False):
        call_command("escalate_critical_alerts", stdout=out)
        client = log_in(staff_a[Role.FRONT_DESK], practice_a)
        body = client.get(reverse("screening:alerts")).content.decode()
        # everyone's: the escalated task is the on-call clinician's, not the coordinator's own
        tasks = log_in(staff_a[Role.CARE_COORDINATOR], practice_a).get("/tasks/?owner=everyone")
    assert out.getvalue().strip() == "1 alert(s) escalated."
    assert "escalated 06/29/2026 09:30 to Amara Okafor" in body
    assert "A clinician is needed now for this child" in tasks.content.decode()
    assert "PHQ" not in tasks.content.decode()


def test_the_escalation_runs_on_the_workers_schedule(alert_a, practice_a):
    """The same sweep as the command, as the worker runs it: scheduled, queued, run once."""
    with database_queue(), time_machine.travel(MONDAY_MORNING, tick=False):
        run_scheduled("screening.alert_escalation", now=MONDAY_MORNING)
        run_scheduled("screening.alert_escalation", now=MONDAY_MORNING + timedelta(minutes=1))
    alert_a.refresh_from_db()
    assert alert_a.escalated_at == MONDAY_MORNING
    assert Task.objects.get().kind == TaskKind.ALERT_ESCALATED
    run = JobRun.objects.get()
    assert (run.status, run.result, run.slot) == ("succeeded", 1, MONDAY_MORNING)


# --- Finding 4: who may acknowledge -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PEDIATRICIAN, True),
        (Role.NURSE_PRACTITIONER, True),
        (Role.BEHAVIORAL_HEALTH, True),
        (Role.NURSE, False),
        (Role.CARE_COORDINATOR, False),
        (Role.PRACTICE_ADMIN, False),
    ],
)
def test_by_default_clinicians_acknowledge_and_nurses_do_not(
    alert_a, staff_a, practice_a, role, allowed
):
    who = actor(staff_a, practice_a, role)
    assert (alerts.refusal(who, alert_a) is None) is allowed
    if allowed:
        services.acknowledge_alert(
            actor=who, alert=alert_a, action_taken="Called, safe", at=FRIDAY_AFTERNOON
        )
        assert CriticalAlert.objects.get().acknowledged_by == staff_a[role]
    else:
        with pytest.raises(PermissionDenied):
            services.acknowledge_alert(
                actor=who, alert=alert_a, action_taken="Called, safe", at=FRIDAY_AFTERNOON
            )
        assert CriticalAlert.objects.get().acknowledged_at is None


def test_a_practice_may_add_nurses(alert_a, staff_a, practice_a, log_in):
    url = reverse("screening:acknowledge", kwargs={"alert_id": alert_a.pk})
    nurse = log_in(staff_a[Role.NURSE], practice_a)
    refused = nurse.get(url)
    alerts.update_alert_settings(
        actor=actor(staff_a, practice_a, Role.PRACTICE_ADMIN),
        acknowledging_roles=["pediatrician", "nurse_practitioner", "behavioral_health", "nurse"],
        on_call_clinician_id=None,
        at=FRIDAY_AFTERNOON,
    )
    done = nurse.post(url, {"action_taken": "Called the mother; safety plan"})
    assert refused.status_code == 403
    assert "Your role cannot acknowledge critical alerts" in refused.content.decode()
    assert done.status_code == 302
    assert CriticalAlert.objects.get().acknowledged_by == staff_a[Role.NURSE]


def test_nobody_acknowledges_an_alert_from_answers_they_keyed(
    child_a, caregiver_a, staff_a, practice_a, log_in
):
    administration = keyed_in(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN], Role.PEDIATRICIAN)
    alert = administration.alerts.get()
    keyer = actor(staff_a, practice_a, Role.PEDIATRICIAN)
    assert "keyed in these answers" in alerts.refusal(keyer, alert)
    with pytest.raises(PermissionDenied):
        services.acknowledge_alert(
            actor=keyer, alert=alert, action_taken="Myself", at=FRIDAY_AFTERNOON
        )
    page = log_in(staff_a[Role.PEDIATRICIAN], practice_a).get(
        reverse("screening:acknowledge", kwargs={"alert_id": alert.pk})
    )
    assert page.status_code == 403 and "another clinician" in page.content.decode()
    services.acknowledge_alert(
        actor=actor(staff_a, practice_a, Role.NURSE_PRACTITIONER),
        alert=alert,
        action_taken="Saw the mother in clinic",
        at=FRIDAY_AFTERNOON,
    )
    assert CriticalAlert.objects.get().acknowledged_by == staff_a[Role.NURSE_PRACTITIONER]


def test_a_nurse_allowed_to_acknowledge_still_cannot_for_her_own_keyed_answers(
    child_a, caregiver_a, staff_a, practice_a
):
    alerts.update_alert_settings(
        actor=actor(staff_a, practice_a, Role.PRACTICE_ADMIN),
        acknowledging_roles=["pediatrician", "nurse_practitioner", "nurse"],
        on_call_clinician_id=None,
        at=FRIDAY_AFTERNOON,
    )
    # The pediatrician starts the form, the nurse keys the answers: neither acknowledges.
    ped = actor(staff_a, practice_a, Role.PEDIATRICIAN)
    nurse = actor(staff_a, practice_a, Role.NURSE)
    administration = services.start_administration(
        actor=ped,
        child=child_a,
        choice="phq9:caregiver",
        mode="staff_entry",
        caregiver=caregiver_a,
        override_reason="Parent asked to talk about mood",
        at=FRIDAY_AFTERNOON,
    )
    services.save_answers(
        actor=nurse,
        administration=administration,
        answers={"9": SEVERAL_DAYS},
        submit=False,
        at=FRIDAY_AFTERNOON,
    )
    alert = administration.alerts.get()
    assert alerts.refusal(nurse, alert) is not None
    assert alerts.refusal(ped, alert) is not None
    assert alerts.refusal(actor(staff_a, practice_a, Role.NURSE_PRACTITIONER), alert) is None


def test_a_partial_staff_entry_with_an_open_alert_is_refused_and_nothing_is_submitted(
    child_a, caregiver_a, staff_a, practice_a
):
    nurse = actor(staff_a, practice_a, Role.NURSE)
    administration = keyed_in(child_a, caregiver_a, staff_a[Role.NURSE], Role.NURSE)
    with pytest.raises(services.AwaitingAcknowledgement) as refused:
        services.save_answers(
            actor=nurse, administration=administration, answers={}, submit=True, at=FRIDAY_AFTERNOON
        )
    assert refused.value.complete is False
    current = Administration.objects.get()
    assert current.status == Status.IN_PROGRESS and current.submitted_at is None
    assert current.answers == {"9": SEVERAL_DAYS}  # the answers so far stay, unsubmitted
    assert not RowCompletion.objects.exists()
    services.acknowledge_alert(
        actor=actor(staff_a, practice_a, Role.PEDIATRICIAN),
        alert=current.alerts.get(),
        action_taken="Spoke with the mother, safety plan",
        at=FRIDAY_AFTERNOON,
    )
    submitted = services.save_answers(
        actor=nurse, administration=current, answers={}, submit=True, at=FRIDAY_AFTERNOON
    )
    assert submitted.status == Status.PARTIAL


def test_the_staff_entry_page_says_why_a_partial_submit_was_refused(
    child_a, caregiver_a, staff_a, practice_a, log_in
):
    administration = keyed_in(child_a, caregiver_a, staff_a[Role.NURSE], Role.NURSE)
    nurse = log_in(staff_a[Role.NURSE], practice_a)
    url = reverse("screening:administer", kwargs={"administration_id": administration.pk})
    response = nurse.post(url, {"item-9": SEVERAL_DAYS, "action": "submit"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "cannot be submitted incomplete while the alert is open" in body
    assert "Acknowledge now" not in body
    assert Administration.objects.get().status == Status.IN_PROGRESS


def test_the_practice_admin_sets_alert_roles_and_on_call_on_a_page(log_in, staff_a, practice_a):
    url = reverse("screening:alert_settings")
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    page = admin.get(url)
    np = staff_a[Role.NURSE_PRACTITIONER]
    saved = admin.post(
        url,
        {
            "acknowledging_roles": ["pediatrician", "nurse_practitioner", "nurse"],
            "on_call_clinician": str(np.pk),
        },
    )
    refused = admin.post(
        url, {"acknowledging_roles": ["pediatrician"], "on_call_clinician": str(np.pk)}
    )
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a).get(url)
    assert page.status_code == 200 and "Amara Okafor" in page.content.decode()
    assert "within 2 business hours" in page.content.decode()
    assert saved.status_code == 302 and refused.status_code == 400
    assert alerts.acknowledging_roles(practice_a) == {"pediatrician", "nurse_practitioner", "nurse"}
    assert alerts.on_call_clinician(practice_a) == np
    assert coordinator.status_code == 403
