"""Team notes stay with the care team (medhome.notes): a note's words never reach the family's
care-plan page, its print or PDF, the staff print, a task, the audit trail, a log line or a
URL — only the chart's notes section shows them."""

import json
import logging

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan import pdf
from medhome.core import clock
from medhome.messaging.models import Message
from medhome.portal import links
from medhome.portal.models import Purpose

from . import care_factories, factories

pytestmark = pytest.mark.django_db

SECRET = "Dad lost his job and is sleeping in the car"


@pytest.fixture
def noted(log_in, staff_a, practice_a, child_a, caregiver_a, caplog):
    """A care plan with a family link, then a note (with a mention) added through the page."""
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.server"):
        caplog.set_level(logging.DEBUG, logger=name)
    rows = care_factories.care_plan(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN])
    client = log_in(staff_a[Role.NURSE], practice_a)
    response = client.post(
        reverse("notes:add", args=[child_a.pk]), {"body": f"{SECRET}. @a-coordinator"}
    )
    assert response.status_code == 302
    assert SECRET not in response["Location"]
    rows["client"] = client
    rows["logs"] = caplog.text
    return rows


def test_the_note_is_on_the_chart(noted, child_a):
    page = noted["client"].get(reverse("families:chart", args=[child_a.pk])).content.decode()
    assert SECRET in page


def test_the_family_care_plan_page_and_its_print_never_show_a_note(
    noted, client, child_a, caregiver_a, staff_a, practice_a
):
    actor = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)
    _link, token = links.issue_link(
        actor=actor, purpose=Purpose.CARE_PLAN, child=child_a, caregiver=caregiver_a, at=clock.now()
    )

    page = client.get(reverse("portal:plan", args=[token]))
    printed = client.get(reverse("portal:plan_print", args=[token]))

    assert page.status_code == 200 and "Sleep through the night" in page.content.decode()
    assert SECRET not in page.content.decode()
    assert printed["Content-Type"] == "application/pdf"
    assert SECRET.encode() not in printed.content


@pytest.mark.parametrize("caregiver", ["caregiver_a", None])
def test_the_care_plan_pdf_text_never_shows_a_note(request, noted, caregiver):
    who = request.getfixturevalue(caregiver) if caregiver else None
    for language in ("en", "es"):
        html = pdf.plan_html(noted["plan"], language=language, caregiver=who)
        assert "Sleep through the night" in html  # the plan is there, the note is not
        assert SECRET not in html


def test_the_staff_print_of_the_plan_never_shows_a_note(noted):
    printed = noted["client"].get(reverse("careplan:print", args=[noted["plan"].pk]))
    assert printed["Content-Type"] == "application/pdf"
    assert SECRET.encode() not in printed.content


def test_the_task_names_the_author_not_the_note(noted, log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    page = client.get(reverse("tasks:list")).content.decode()
    assert "Tomasz Nowakowski mentioned you in a note" in page
    assert SECRET not in page
    from medhome.tasks.models import Task  # the test looks at the table it checks

    stored = json.dumps(list(Task.objects.values("details", "note", "dedupe_key")), default=str)
    assert SECRET not in stored


def test_no_note_words_in_audit_logs_or_messages(noted):
    audit = json.dumps(
        list(AuditEvent.objects.values("object_type", "object_id", "detail")), default=str
    )
    assert SECRET not in audit
    assert SECRET not in noted["logs"]
    assert not Message.objects.filter(body__contains="sleeping in the car").exists()
