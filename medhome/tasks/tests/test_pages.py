"""My tasks, the task rows' actions (htmx and plain forms), the chart's task panel and where
each role lands after choosing a practice."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.practices.models import Membership
from medhome.tasks.models import Task, TaskKind, TaskOutcome, TaskPriority, TaskStatus
from medhome.tasks.services import open_task
from tests import factories

pytestmark = pytest.mark.django_db
LIST = "/tasks/"


def make_tasks(practice, child, count, *, start=0, **extra):
    now = clock.now()
    return [
        open_task(
            practice=practice,
            child=child,
            kind=TaskKind.REFERRAL_NOT_CLOSED,
            details={"organization": "Harbor Pantry", "days": 30},
            due_at=now - timedelta(days=100) + timedelta(hours=n),
            source_type="referral",
            source_id=uuid.UUID(int=n + 1),
            dedupe_key=f"t{n}",
            at=now,
            **extra,
        )[0]
        for n in range(start, start + count)
    ]


def urgent_transition(practice, child, **extra):
    return open_task(
        practice=practice,
        child=child,
        kind=TaskKind.TRANSITION_FOLLOW_UP,
        details={"business_days": 2},
        due_at=clock.now() + timedelta(days=2),
        source_type="care_event",
        source_id=uuid.UUID(int=999),
        dedupe_key="transition",
        at=clock.now(),
        priority=TaskPriority.URGENT,
        **extra,
    )[0]


@pytest.fixture
def coordinator_client(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.CARE_COORDINATOR], practice_a)


def rows_of(response) -> list[str]:
    return re.findall(r'<tr id="task-([0-9a-f-]+)"', response.content.decode())


def test_the_urgent_transition_task_is_row_1_of_90_not_row_90(
    coordinator_client, practice_a, child_a
):
    make_tasks(practice_a, child_a, 89)
    urgent = urgent_transition(practice_a, child_a)
    response = coordinator_client.get(LIST)
    rows = rows_of(response)
    assert rows[0] == str(urgent.pk) and len(rows) == 50  # a page of 50
    body = response.content.decode()
    assert "Open the hospital visit" in body and f"/events/{uuid.UUID(int=999)}/" in body
    assert "overdue by" in body and f"/children/{child_a.pk}/" in body
    assert "Care coordinator (not taken)" in body
    assert "Page 1 of 2" in body


def test_by_default_mine_and_my_roles_and_the_filters_keep_in_page_links(
    log_in, coordinator_client, staff_a, practice_a, child_a
):
    nurse = staff_a[Role.NURSE]
    make_tasks(practice_a, child_a, 3, assignee=nurse, assignee_role=Role.NURSE)
    make_tasks(practice_a, child_a, 60, start=10, assignee_role=Role.COMMUNITY_HEALTH_WORKER)
    assert rows_of(coordinator_client.get(LIST)) == []
    chw = log_in(staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a)
    assert len(rows_of(chw.get(LIST))) == 50
    membership = Membership.objects.get(user=nurse)
    assert len(rows_of(coordinator_client.get(LIST, {"owner": membership.pk}))) == 3
    filtered = coordinator_client.get(
        LIST, {"owner": "everyone", "child": child_a.pk, "due": "overdue"}
    )
    body = filtered.content.decode()
    assert len(rows_of(filtered)) == 50
    assert f"?owner=everyone&amp;child={child_a.pk}&amp;due=overdue&amp;page=2" in body
    second = coordinator_client.get(
        LIST, {"owner": "everyone", "child": child_a.pk, "due": "overdue", "page": 2}
    )
    assert len(rows_of(second)) == 13
    assert rows_of(coordinator_client.get(LIST, {"owner": "everyone", "child": uuid.uuid4()})) == []


def test_bad_filters_get_a_clear_answer(coordinator_client, clinician_b):
    malformed = coordinator_client.get(LIST, {"child": "notauuid"})
    assert malformed.status_code == 400
    assert "“child” is not a valid id." in malformed.content.decode()
    assert coordinator_client.get(LIST, {"owner": "notauuid"}).status_code == 400
    other_practice = Membership.objects.get(user=clinician_b)
    assert coordinator_client.get(LIST, {"owner": other_practice.pk}).status_code == 404
    unknown = coordinator_client.get(LIST, {"kind": "bogus", "due": "someday"})
    assert unknown.status_code == 200
    body = unknown.content.decode()
    assert "That kind of task does not exist" in body and "That due filter does not exist" in body


def test_opening_my_tasks_is_audited_without_names(coordinator_client, practice_a, child_a):
    make_tasks(practice_a, child_a, 3)
    coordinator_client.get(LIST)
    event = AuditEvent.objects.filter(object_type="task_list").get()
    assert event.action == "search" and event.detail == {"results": 3}


def test_the_query_count_does_not_grow_with_the_tasks(
    coordinator_client, practice_a, child_a, staff_a, django_assert_max_num_queries
):
    make_tasks(practice_a, child_a, 5, assignee=staff_a[Role.CARE_COORDINATOR])
    coordinator_client.get(LIST)  # warm the caches of the first request
    with django_assert_max_num_queries(30) as few:
        assert len(rows_of(coordinator_client.get(LIST))) == 5
    make_tasks(practice_a, child_a, 45, start=5, assignee_role=Role.CARE_COORDINATOR)
    by_hand = factories.add_child(child_a.family, legal_given_name="Mateo", mrn="MRN-2")
    make_tasks(practice_a, by_hand, 10, start=60, assignee=staff_a[Role.NURSE])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows_of(coordinator_client.get(LIST, {"owner": "everyone"}))) == 50


def htmx(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_row_actions_with_htmx_answer_the_row(coordinator_client, staff_a, practice_a, child_a):
    [task] = make_tasks(practice_a, child_a, 1)
    nurse = Membership.objects.get(user=staff_a[Role.NURSE])
    handed = htmx(coordinator_client, reverse("tasks:reassign", args=[task.pk]), {"to": nurse.pk})
    assert handed.status_code == 200 and "Task handed on." in handed.content.decode()
    assert f'<tr id="task-{task.pk}"' in handed.content.decode()
    assert Task.objects.get(pk=task.pk).assignee == staff_a[Role.NURSE]
    refused = htmx(
        coordinator_client,
        reverse("tasks:snooze", args=[task.pk]),
        {"until_day": "2020-01-01", "reason": "Away"},
    )
    assert "Snooze until a later moment" in refused.content.decode()
    no_reason = htmx(
        coordinator_client,
        reverse("tasks:snooze", args=[task.pk]),
        {"until_day": "2099-01-01", "reason": ""},
    )
    assert "Say why the task waits." in no_reason.content.decode()
    bad_day = htmx(
        coordinator_client,
        reverse("tasks:snooze", args=[task.pk]),
        {"until_day": "tomorrow", "reason": "Away"},
    )
    assert "Give the day as a date" in bad_day.content.decode()
    assert Task.objects.get(pk=task.pk).snoozed_until is None
    snoozed = htmx(
        coordinator_client,
        reverse("tasks:snooze", args=[task.pk]),
        {"until_day": "2099-01-01", "until_time": "09:30", "reason": "Family away"},
    )
    assert "snoozed until 01/01/2099 09:30" in snoozed.content.decode()
    closed = htmx(
        coordinator_client,
        reverse("tasks:complete", args=[task.pk]),
        {"outcome": TaskOutcome.FAMILY_NOT_REACHED, "note": "Two calls"},
    )
    assert "Could not reach the family" in closed.content.decode()
    task.refresh_from_db()
    assert (task.status, task.outcome, task.note) == (
        TaskStatus.DONE,
        TaskOutcome.FAMILY_NOT_REACHED,
        "Two calls",
    )
    again = htmx(coordinator_client, reverse("tasks:complete", args=[task.pk]), {})
    assert "This task is already closed." in again.content.decode()


def test_row_actions_without_javascript_go_back_to_the_filtered_list(
    coordinator_client, practice_a, child_a
):
    [task] = make_tasks(practice_a, child_a, 1)
    back = f"{LIST}?owner=everyone&child={child_a.pk}"
    response = coordinator_client.post(
        reverse("tasks:reassign", args=[task.pk]), {"to": Role.NURSE, "next": back}
    )
    assert (response.status_code, response["Location"]) == (302, back)
    assert Task.objects.get(pk=task.pk).assignee_role == Role.NURSE
    refused = coordinator_client.post(
        reverse("tasks:reassign", args=[task.pk]), {"to": "", "next": "https://evil.example/"}
    )
    assert refused["Location"] == LIST
    page = coordinator_client.get(LIST)
    assert "Choose who the task is for." in page.content.decode()
    done = coordinator_client.post(reverse("tasks:complete", args=[task.pk]), {"next": back})
    assert done["Location"] == back and Task.objects.get(pk=task.pk).outcome == "done"


def test_a_colleague_of_another_practice_is_refused(
    coordinator_client, clinician_b, practice_a, child_a
):
    [task] = make_tasks(practice_a, child_a, 1)
    other = Membership.objects.get(user=clinician_b)
    response = htmx(coordinator_client, reverse("tasks:reassign", args=[task.pk]), {"to": other.pk})
    assert "does not work with tasks in this practice" in response.content.decode()
    assert Task.objects.get(pk=task.pk).assignee is None


def test_the_chart_lists_open_tasks_and_adds_one(coordinator_client, practice_a, child_a, staff_a):
    [open_one, done_one] = make_tasks(practice_a, child_a, 2)
    Task.objects.filter(pk=done_one.pk).update(status=TaskStatus.DONE, completed_at=clock.now())
    chart = coordinator_client.get(reverse("families:chart", args=[child_a.pk])).content.decode()
    section = chart[chart.index('id="tasks-panel"') :]
    section = section[: section.index("</section>")]
    assert section.count("<li>") == 1 and "Harbor Pantry" in section
    assert f"/tasks/?owner=everyone&amp;child={child_a.pk}" in section
    assert "Nowakowski" not in section  # the chart names no colleague (the form offers roles)
    add = reverse("tasks:add", args=[child_a.pk])
    tomorrow = (clock.local_date(clock.now()) + timedelta(days=1)).isoformat()
    refused = htmx(
        coordinator_client, add, {"text": "Call the school", "due_day": "2020-01-01", "to": "me"}
    )
    assert "The due date is in the past" in refused.content.decode()
    assert 'value="Call the school"' in refused.content.decode()  # what was typed stays
    added = htmx(
        coordinator_client,
        add,
        {"text": "Call the school", "due_day": tomorrow, "to": "me", "priority": "urgent"},
    )
    assert "Task added." in added.content.decode() and "Call the school" in added.content.decode()
    task = Task.objects.get(kind=TaskKind.MANUAL)
    assert task.assignee == staff_a[Role.CARE_COORDINATOR] and task.is_urgent
    # no time given: the practice calendar's closing time (17:00 by default) on that day
    assert clock.local_date(task.due_at).isoformat() == tomorrow
    assert timezone.localtime(task.due_at).strftime("%H:%M") == "17:00"
    plain = coordinator_client.post(
        add, {"text": "Send the form", "due_day": tomorrow, "to": Role.COMMUNITY_HEALTH_WORKER}
    )
    assert plain["Location"] == reverse("families:chart", args=[child_a.pk])
    assert Task.objects.filter(
        kind=TaskKind.MANUAL, assignee__isnull=True, assignee_role=Role.COMMUNITY_HEALTH_WORKER
    ).exists()
    listed = coordinator_client.get(LIST, {"owner": "everyone", "child": child_a.pk})
    assert "Send the form" in listed.content.decode()
    assert "Open the chart" in listed.content.decode()


def test_another_practice_cannot_add_a_task_to_a_child(log_in, clinician_b, practice_b, child_a):
    client = log_in(clinician_b, practice_b)
    response = client.post(
        reverse("tasks:add", args=[child_a.pk]),
        {"text": "x", "due_day": "2099-01-01", "to": Role.NURSE},
    )
    assert response.status_code == 404 and not Task.objects.exists()


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        (Role.CARE_COORDINATOR, "/tasks/"),
        (Role.COMMUNITY_HEALTH_WORKER, "/programs/caseload/"),
        (Role.FAMILY_SPECIALIST, "/programs/caseload/"),
        (Role.PEDIATRICIAN, "/screening/start-of-day/"),
        (Role.NURSE, "/screening/start-of-day/"),
        (Role.FRONT_DESK, "/children/"),
        (Role.PRACTICE_ADMIN, "/children/"),
        (Role.NETWORK_ANALYST, "/network/"),
    ],
)
def test_where_each_role_lands(log_in, staff_a, practice_a, role, lands_on):
    client = log_in(staff_a[role])
    response = client.get(reverse("practices:choose"))
    assert response.status_code == 302
    assert response["Location"].startswith(lands_on)


def test_a_clinician_lands_on_the_open_alerts_when_there_are_any(
    log_in, staff_a, practice_a, child_a, caregiver_a
):
    nurse = log_in(staff_a[Role.NURSE], practice_a)
    landing = reverse("screening:landing")
    assert nurse.get(landing)["Location"] == reverse("screening:today")
    factories.screening_with_alert(child_a, caregiver_a, staff_a[Role.PEDIATRICIAN])
    assert nurse.get(landing)["Location"] == reverse("screening:alerts")
    # someone who cannot acknowledge alerts is not sent to them
    front_desk = log_in(staff_a[Role.FRONT_DESK], practice_a)
    assert front_desk.get(landing)["Location"] == reverse("screening:today")


def test_a_role_without_chart_access_can_do_nothing_to_tasks(log_in, staff_a, practice_a, child_a):
    [task] = make_tasks(practice_a, child_a, 1)
    analyst = log_in(staff_a[Role.NETWORK_ANALYST], practice_a)
    posts = {
        reverse("tasks:complete", args=[task.pk]): {"outcome": "done"},
        reverse("tasks:reassign", args=[task.pk]): {"to": Role.NURSE},
        reverse("tasks:snooze", args=[task.pk]): {"until_day": "2099-01-01", "reason": "x"},
        reverse("tasks:add", args=[child_a.pk]): {"text": "x", "due_day": "2099-01-01", "to": "me"},
    }
    assert analyst.get(LIST).status_code == 403
    assert {analyst.post(url, data).status_code for url, data in posts.items()} == {403}
    task.refresh_from_db()
    assert (task.status, task.assignee_role, task.snoozed_until) == (
        TaskStatus.OPEN,
        Role.CARE_COORDINATOR,
        None,
    )
    assert Task.objects.count() == 1


def test_the_chart_still_lists_a_snoozed_task_and_says_so(
    coordinator_client, staff_a, practice_a, child_a
):
    from medhome.tasks.services import snooze
    from tests.factories import actor_for

    [task] = make_tasks(practice_a, child_a, 1)
    coordinator = actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)
    snooze(
        actor=coordinator,
        task=task,
        until=clock.now() + timedelta(days=3),
        reason="Family travelling",
        at=clock.now(),
    )
    chart = coordinator_client.get(reverse("families:chart", args=[child_a.pk])).content.decode()
    section = chart[chart.index('id="tasks-panel"') :]
    assert "snoozed until" in section[: section.index("</section>")]
    assert rows_of(coordinator_client.get(LIST)) == []
    assert rows_of(coordinator_client.get(LIST, {"snoozed": "1"})) == [str(task.pk)]


def test_my_tasks_in_spanish(coordinator_client, practice_a, child_a):
    make_tasks(practice_a, child_a, 1)
    body = coordinator_client.get(LIST, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    for words in ("Mis tareas", "Vence", "vencida hace", "Coordinador/a de atención (sin tomar)"):
        assert words in body
    assert "No se pudo contactar a la familia" in body and "Posponer" in body
