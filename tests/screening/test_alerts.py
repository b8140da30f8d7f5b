"""Critical answers: the team is alerted at once, the family sees crisis resources, a clinician
acknowledges with the action taken, and an alert left open says whom to call."""

import re
from datetime import timedelta

from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.screening.models import Administration, CriticalAlert, Status

from .. import factories
from .support import (
    NEARLY_EVERY_DAY,
    SEVERAL_DAYS,
    phq9,
)


def test_a_self_harm_answer_alerts_the_team_at_once_even_before_submitting(
    client, phq9_link, infant_a, client_a
):
    client.post(
        f"{phq9_link}phq9/", {"item-9": SEVERAL_DAYS, "action": "autosave"}, HTTP_HX_REQUEST="true"
    )

    alert = CriticalAlert.objects.get()
    chart = client_a.get(reverse("families:chart", kwargs={"child_id": infant_a.pk}))
    alerts = client_a.get(reverse("screening:alerts"))
    assert alert.kinds == ["self_harm"] and alert.acknowledged_at is None
    assert "Urgent: critical answer" in chart.content.decode()
    assert alert in alerts.context["alerts"]


def test_the_family_sees_crisis_resources_and_never_a_score(client, phq9_link):
    response = client.post(
        f"{phq9_link}phq9/", {**phq9(**{"9": NEARLY_EVERY_DAY}), "action": "submit"}
    )
    done = client.get(response["Location"])

    body = done.content.decode()
    assert "988" in body and "911" in body
    assert Administration.objects.get().total == 3
    assert "puntuación" not in body.lower() and "score" not in body.lower()


def test_only_a_clinician_acknowledges_and_must_say_what_was_done(
    log_in, staff_a, practice_a, client, phq9_link
):
    client.post(f"{phq9_link}phq9/", {**phq9(**{"9": SEVERAL_DAYS}), "action": "submit"})
    alert = CriticalAlert.objects.get()
    url = reverse("screening:acknowledge", kwargs={"alert_id": alert.pk})
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    # By default nurses do not acknowledge (issue 14 finding 4; medhome/screening/tests).
    clinician = log_in(staff_a[Role.NURSE_PRACTITIONER], practice_a)

    refused = coordinator.post(url, {"action_taken": "Called"})
    empty = clinician.post(url, {"action_taken": "  "})
    done = clinician.post(
        url, {"action_taken": "Called the mother; safety plan; warm hand-off to BH"}
    )

    alert.refresh_from_db()
    assert refused.status_code == 403 and empty.status_code == 400
    assert done.status_code == 302
    assert alert.acknowledged_by == staff_a[Role.NURSE_PRACTITIONER]
    assert "safety plan" in alert.action_taken
    assert AuditEvent.objects.filter(object_type="critical_alert", action="update").count() == 1
    assert clinician.post(url, {"action_taken": "Again, twice"}).status_code == 400


def test_staff_entry_with_a_critical_answer_completes_only_after_acknowledgement(
    client_a, infant_a, caregiver_a, log_in, staff_a, practice_a
):
    started = client_a.post(
        reverse("screening:start", kwargs={"child_id": infant_a.pk}),
        {"instrument": "phq9:caregiver", "mode": "staff_entry", "caregiver": caregiver_a.pk},
    )
    form_url = started["Location"]
    blocked = client_a.post(form_url, {**phq9(**{"9": SEVERAL_DAYS}), "action": "submit"})
    administration = Administration.objects.get()
    alert = administration.alerts.get()
    # Another clinician: the one who keyed the answers never acknowledges (issue 14 finding 4).
    log_in(staff_a[Role.NURSE_PRACTITIONER], practice_a).post(
        reverse("screening:acknowledge", kwargs={"alert_id": alert.pk}),
        {"action_taken": "Spoke with the mother in clinic, safety plan made."},
    )
    completed = client_a.post(form_url, {**phq9(**{"9": SEVERAL_DAYS}), "action": "submit"})

    administration.refresh_from_db()
    assert "can be completed once a clinician has acknowledged" in blocked.content.decode()
    assert re.search(r'name="item-9" value="LA6569-3" checked', blocked.content.decode())
    assert completed.status_code == 302
    assert administration.status == Status.SCORED and administration.mode == "staff_entry"
    assert administration.entered_by is not None


def test_an_alert_left_open_past_its_time_says_to_call_the_on_call_clinician(
    client_a, clinician_a, child_a, caregiver_a
):
    alert = factories.screening_with_alert(child_a, caregiver_a, clinician_a)["alert"]
    fresh = client_a.get(reverse("screening:alerts")).content.decode()
    # Raised two hours and a minute ago (moving the clock would end the idle session).
    CriticalAlert.objects.filter(pk=alert.pk).update(
        raised_at=alert.raised_at - timedelta(hours=2, minutes=1),
        escalate_at=alert.escalate_at - timedelta(hours=2, minutes=1),
    )
    late = client_a.get(reverse("screening:alerts")).content.decode()

    assert "call the on-call clinician" not in fresh
    assert "call the on-call clinician" in late
