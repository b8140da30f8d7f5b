"""What people do with tasks: add one by hand from a chart, hand it on, snooze it, close it with
an outcome — each allowed change, each refusal, all audited."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.practices.models import Membership
from medhome.tasks import selectors
from medhome.tasks.models import Task, TaskKind, TaskOutcome, TaskPriority, TaskStatus
from medhome.tasks.selectors import TaskFilter
from medhome.tasks.services import close, create_by_hand, open_task, reassign, snooze
from tests import factories
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 17, tzinfo=UTC)  # a Wednesday, 12:00 in New York


@pytest.fixture
def coordinator(staff_a, practice_a):
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


@pytest.fixture
def chw(staff_a, practice_a):
    return actor_for(
        staff_a[Role.COMMUNITY_HEALTH_WORKER], practice_a, Role.COMMUNITY_HEALTH_WORKER
    )


def by_hand(actor, child, **changes):
    values = {
        "actor": actor,
        "child": child,
        "text": "Call Ana about the  WIC appointment",
        "due_at": NOW + timedelta(days=1),
        "at": NOW,
        "role": Role.CARE_COORDINATOR,
    }
    return create_by_hand(**{**values, **changes})


def sweep_task(practice, child, key="sweep", **extra):
    task, _ = open_task(
        practice=practice,
        child=child,
        kind=TaskKind.REFERRAL_NO_RESPONSE,
        details={"organization": "Harbor Pantry", "business_days": 3},
        due_at=extra.pop("due_at", NOW),
        source_type="referral",
        source_id=uuid.UUID(int=1),
        dedupe_key=key,
        at=NOW,
        **extra,
    )
    return task


def trail(task):
    return list(
        AuditEvent.objects.for_object("task", task.pk)
        .order_by("sequence")
        .values_list("action", "detail")
    )


def test_a_task_by_hand_keeps_the_words_opens_the_chart_and_names_its_author(coordinator, child_a):
    task = by_hand(coordinator, child_a, priority=TaskPriority.URGENT)
    assert task.kind == TaskKind.MANUAL and task.details == {
        "text": "Call Ana about the WIC appointment"
    }
    assert task.created_by == coordinator.user and task.is_urgent
    assert task.assignee is None and task.assignee_role == Role.CARE_COORDINATOR
    assert task.source_url == f"/children/{child_a.pk}/"
    with translation.override("es"):
        assert task.title == "Call Ana about the WIC appointment"  # the author's own words
        assert task.source_label == "Abrir la historia clínica"
    [(action, detail)] = trail(task)
    assert action == "create" and "Ana" not in str(detail)
    mine = by_hand(coordinator, child_a, role=None, assignee=coordinator.user)
    assert mine.assignee == coordinator.user and mine.assignee_role == Role.CARE_COORDINATOR
    # a sweep's task names no author
    assert sweep_task(child_a.practice, child_a).created_by is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "   "}, "Say what needs doing."),
        ({"text": "x" * 301}, "at most 300 characters"),
        ({"due_at": NOW - timedelta(days=1)}, "The due date is in the past"),
        ({"priority": "whenever"}, "Choose routine or urgent."),
        ({"role": None}, "Choose one person or one role"),
        ({"role": Role.NETWORK_ANALYST}, "That role does not work with tasks."),
        ({"role": "janitor"}, "That role does not work with tasks."),
    ],
)
def test_a_task_by_hand_refuses_bad_input_and_saves_nothing(coordinator, child_a, changes, message):
    with pytest.raises(ValidationError) as refused:
        by_hand(coordinator, child_a, **changes)
    assert message in " ".join(refused.value.messages)
    assert not Task.objects.exists() and not AuditEvent.objects.filter(object_type="task").exists()


def test_a_task_due_earlier_today_is_allowed(coordinator, child_a):
    assert by_hand(coordinator, child_a, due_at=NOW - timedelta(hours=2)).pk


def test_a_task_by_hand_for_another_practice_is_refused(
    coordinator, clinician_b, practice_b, child_a, child_b, staff_a
):
    with pytest.raises(PermissionDenied):
        by_hand(coordinator, child_b)
    with pytest.raises(PermissionDenied):
        by_hand(actor_for(clinician_b, practice_b, Role.PEDIATRICIAN), child_a)
    with pytest.raises(ValidationError, match="does not work with tasks in this practice"):
        by_hand(coordinator, child_a, role=None, assignee=clinician_b)
    analyst = actor_for(staff_a[Role.NETWORK_ANALYST], child_a.practice, Role.NETWORK_ANALYST)
    with pytest.raises(PermissionDenied):
        by_hand(analyst, child_a)
    assert not Task.objects.exists()


def test_reassign_to_a_colleague_or_back_to_a_role(coordinator, chw, staff_a, child_a):
    task = sweep_task(child_a.practice, child_a)
    nurse = staff_a[Role.NURSE]
    handed = reassign(actor=coordinator, task=task, at=NOW, assignee=nurse)
    assert (handed.assignee, handed.assignee_role) == (nurse, Role.NURSE)
    back = reassign(actor=chw, task=task, at=NOW, role=Role.COMMUNITY_HEALTH_WORKER)
    assert (back.assignee, back.assignee_role) == (None, Role.COMMUNITY_HEALTH_WORKER)
    updates = [detail["fields"] for action, detail in trail(task)[1:]]
    assert updates == [["assignee", "assignee_role"], ["assignee", "assignee_role"]]
    assert AuditEvent.objects.for_object("task", task.pk).last().actor == chw.user


def test_reassign_refusals(coordinator, clinician_b, practice_b, staff_a, child_a, outsider):
    task = sweep_task(child_a.practice, child_a)
    analyst = staff_a[Role.NETWORK_ANALYST]
    for user in (clinician_b, outsider, analyst):  # another practice's, nobody's, no tasks
        with pytest.raises(ValidationError, match="does not work with tasks in this practice"):
            reassign(actor=coordinator, task=task, at=NOW, assignee=user)
    Membership.objects.filter(user=staff_a[Role.NURSE]).update(is_active=False)
    with pytest.raises(ValidationError):  # a colleague whose access was removed
        reassign(actor=coordinator, task=task, at=NOW, assignee=staff_a[Role.NURSE])
    with pytest.raises(ValidationError, match="one person or one role"):
        reassign(actor=coordinator, task=task, at=NOW, assignee=coordinator.user, role=Role.NURSE)
    with pytest.raises(PermissionDenied):
        reassign(
            actor=actor_for(clinician_b, practice_b, Role.PEDIATRICIAN),
            task=task,
            at=NOW,
            role=Role.NURSE,
        )
    close(actor=coordinator, task=task, note="", at=NOW)
    with pytest.raises(ValidationError, match="already closed"):
        reassign(actor=coordinator, task=task, at=NOW, role=Role.NURSE)
    task.refresh_from_db()
    assert task.assignee is None and task.assignee_role == Role.CARE_COORDINATOR


def shown(actor, now, **chosen):
    return list(selectors.my_tasks(actor, TaskFilter(**chosen), now=now))


def test_a_snoozed_task_leaves_my_tasks_and_comes_back_by_itself(coordinator, child_a):
    task = sweep_task(child_a.practice, child_a)
    until = NOW + timedelta(days=2)
    snoozed = snooze(
        actor=coordinator, task=task, until=until, reason=" Family away  until Friday ", at=NOW
    )
    assert snoozed.status == TaskStatus.OPEN and snoozed.snooze_reason == "Family away until Friday"
    assert shown(coordinator, NOW) == []
    assert shown(coordinator, NOW, snoozed=True) == [task]
    assert shown(coordinator, until - timedelta(seconds=1)) == []
    assert shown(coordinator, until) == [task]  # back, with nothing run to wake it
    assert trail(task)[-1][1]["fields"] == ["snoozed_until", "snooze_reason"]
    assert "Family" not in str(trail(task)[-1][1])


def test_snooze_refusals(coordinator, clinician_b, practice_b, child_a):
    task = sweep_task(child_a.practice, child_a)
    with pytest.raises(ValidationError, match="Say why the task waits."):
        snooze(actor=coordinator, task=task, until=NOW + timedelta(days=1), reason=" ", at=NOW)
    with pytest.raises(ValidationError, match="at most 200"):
        snooze(
            actor=coordinator, task=task, until=NOW + timedelta(days=1), reason="x" * 201, at=NOW
        )
    for past in (NOW, NOW - timedelta(hours=1)):
        with pytest.raises(ValidationError, match="not one that has passed"):
            snooze(actor=coordinator, task=task, until=past, reason="Later", at=NOW)
    with pytest.raises(PermissionDenied):
        snooze(
            actor=actor_for(clinician_b, practice_b, Role.PEDIATRICIAN),
            task=task,
            until=NOW + timedelta(days=1),
            reason="Later",
            at=NOW,
        )
    close(actor=coordinator, task=task, note="", at=NOW)
    with pytest.raises(ValidationError, match="already closed"):
        snooze(actor=coordinator, task=task, until=NOW + timedelta(days=1), reason="x", at=NOW)
    task.refresh_from_db()
    assert task.snoozed_until is None and task.snooze_reason == ""


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (TaskOutcome.DONE, TaskStatus.DONE),
        (TaskOutcome.FAMILY_REACHED, TaskStatus.DONE),
        (TaskOutcome.FAMILY_NOT_REACHED, TaskStatus.DONE),
        (TaskOutcome.HANDED_OFF, TaskStatus.DONE),
        (TaskOutcome.NOT_NEEDED, TaskStatus.CANCELLED),
    ],
)
def test_close_with_an_outcome(coordinator, child_a, outcome, status):
    task = sweep_task(child_a.practice, child_a)
    closed = close(
        actor=coordinator, task=task, note=" Left a voicemail. ", at=NOW, outcome=outcome
    )
    assert (closed.status, closed.outcome, closed.note) == (status, outcome, "Left a voicemail.")
    assert trail(task)[-1][1]["fields"] == [
        "status",
        "outcome",
        "completed_at",
        "completed_by",
        "note",
    ]


def test_close_refusals_and_the_old_status_argument(coordinator, child_a):
    task = sweep_task(child_a.practice, child_a)
    with pytest.raises(ValidationError, match="Choose what came of the task."):
        close(actor=coordinator, task=task, note="", at=NOW, outcome="shrug")
    with pytest.raises(ValidationError, match="at most 1000"):
        close(actor=coordinator, task=task, note="x" * 1001, at=NOW)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    cancelled = close(actor=coordinator, task=task, note="", at=NOW, status=TaskStatus.CANCELLED)
    assert cancelled.outcome == TaskOutcome.NOT_NEEDED
    other = sweep_task(child_a.practice, child_a, key="other")
    assert close(actor=coordinator, task=other, note="", at=NOW).outcome == TaskOutcome.DONE


def test_my_tasks_filters(coordinator, chw, staff_a, child_a, registered_a, practice_a):
    sibling = factories.add_child(registered_a[0], legal_given_name="Mateo", mrn="MRN-SIB")
    role_task = sweep_task(practice_a, child_a, key="role", due_at=NOW + timedelta(days=3))
    mine = sweep_task(practice_a, sibling, key="mine", assignee=coordinator.user)
    nurse_task = sweep_task(
        practice_a, child_a, key="nurse", assignee=staff_a[Role.NURSE], assignee_role=Role.NURSE
    )
    chw_task = sweep_task(
        practice_a,
        child_a,
        key="chw",
        assignee_role=Role.COMMUNITY_HEALTH_WORKER,
        due_at=NOW + timedelta(days=10),
    )
    urgent = by_hand(
        coordinator, child_a, priority=TaskPriority.URGENT, due_at=NOW + timedelta(days=5)
    )
    nurse_membership = Membership.objects.get(user=staff_a[Role.NURSE])
    assert shown(coordinator, NOW) == [urgent, mine, role_task]  # urgent first, then due
    assert shown(coordinator, NOW, owner="me") == [mine]
    assert shown(coordinator, NOW, owner="role") == [urgent, role_task]
    assert shown(coordinator, NOW, owner="unassigned") == [urgent, role_task, chw_task]
    assert shown(coordinator, NOW, owner="everyone") == [
        urgent,
        mine,
        nurse_task,
        role_task,
        chw_task,
    ]
    assert shown(coordinator, NOW, colleague=nurse_membership) == [nurse_task]
    assert shown(chw, NOW) == [chw_task]
    assert shown(coordinator, NOW, owner="everyone", child_id=sibling.pk) == [mine]
    assert shown(coordinator, NOW, owner="everyone", kind=TaskKind.MANUAL) == [urgent]
    later = NOW + timedelta(hours=1)
    assert shown(coordinator, later, owner="everyone", due="overdue") == [mine, nurse_task]
    assert shown(coordinator, later, owner="everyone", due="today") == [mine, nurse_task]
    assert shown(coordinator, later, owner="everyone", due="week") == [
        urgent,
        mine,
        nurse_task,
        role_task,
    ]
    close(actor=coordinator, task=mine, note="", at=NOW)
    assert mine not in shown(coordinator, NOW, owner="everyone")


def test_another_practice_sees_none_of_these_tasks(coordinator, clinician_b, practice_b, child_a):
    by_hand(coordinator, child_a)
    other = actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
    assert shown(other, NOW, owner="everyone") == []
    assert selectors.open_tasks_of_child(other, child_a, limit=10) == []
