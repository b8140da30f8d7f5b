"""Tasks: idempotent opening, completing (audited), cancelling by source, scoped reads."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.tasks import selectors
from medhome.tasks.models import Task, TaskKind, TaskStatus
from medhome.tasks.services import cancel_tasks_for, complete_task, open_task
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 17, tzinfo=UTC)


def make(practice, child, *, key="k1", source_id=None, kind=TaskKind.REFERRAL_NO_RESPONSE, due=NOW):
    return open_task(
        practice=practice,
        child=child,
        kind=kind,
        title="Call the food bank",
        due_at=due,
        source_type="referral",
        source_id=source_id or uuid.UUID(int=1),
        dedupe_key=key,
        at=NOW,
    )


@pytest.fixture
def coordinator(staff_a, practice_a):
    return actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def test_open_task_is_idempotent_per_practice(practice_a, practice_b, child_a, child_b):
    task, created = make(practice_a, child_a)
    again, created_again = make(practice_a, child_a)
    assert created and not created_again and again.pk == task.pk
    _, other_practice = make(practice_b, child_b)  # the same key in another practice
    assert other_practice
    assert task.status == TaskStatus.OPEN and task.assignee_role == Role.CARE_COORDINATOR
    assert AuditEvent.objects.for_object("task", task.pk).count() == 1
    with pytest.raises(ValidationError):
        make(practice_a, child_b, key="k2")


def test_a_closed_task_is_not_reopened(coordinator, practice_a, child_a):
    task, _ = make(practice_a, child_a)
    complete_task(actor=coordinator, task=task, note="Called; they had lost the fax.", at=NOW)
    again, created = make(practice_a, child_a)
    assert not created and again.status == TaskStatus.DONE


def test_complete_task(coordinator, clinician_b, practice_a, practice_b, child_a):
    task, _ = make(practice_a, child_a)
    outsider = actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
    with pytest.raises(PermissionDenied):
        complete_task(actor=outsider, task=task, note="", at=NOW)
    done = complete_task(actor=coordinator, task=task, note=" Spoke with Ana. ", at=NOW)
    assert done.status == TaskStatus.DONE and done.completed_by == coordinator.user
    assert done.completed_at == NOW and done.note == "Spoke with Ana."
    trail = AuditEvent.objects.for_object("task", task.pk).order_by("sequence")
    assert list(trail.values_list("action", flat=True)) == ["create", "update"]
    assert "Ana" not in str(trail.last().detail)
    with pytest.raises(ValidationError):
        complete_task(actor=coordinator, task=task, note="", at=NOW)


def test_cancel_tasks_for_a_source(practice_a, child_a):
    source = uuid.uuid4()
    make(practice_a, child_a, key="a", source_id=source)
    make(practice_a, child_a, key="b", source_id=source, kind=TaskKind.REFERRAL_NOT_CLOSED)
    make(practice_a, child_a, key="c")
    assert cancel_tasks_for("referral", source, TaskKind.REFERRAL_NOT_CLOSED, at=NOW) == 1
    assert cancel_tasks_for("referral", source, at=NOW) == 1
    assert cancel_tasks_for("referral", source, at=NOW) == 0
    assert Task.objects.filter(status=TaskStatus.OPEN).get().dedupe_key == "c"


def test_reads_are_scoped(
    coordinator, staff_a, clinician_b, practice_a, practice_b, child_a, child_b
):
    mine, _ = make(practice_a, child_a, key="late", due=NOW + timedelta(days=1))
    first, _ = make(practice_a, child_a, key="soon")
    theirs, _ = make(practice_b, child_b)
    assert list(selectors.open_tasks(coordinator)) == [first, mine]
    assert list(selectors.open_tasks(coordinator, role=Role.CARE_COORDINATOR)) == [first, mine]
    assert list(selectors.open_tasks(coordinator, assignee=coordinator.user)) == []
    Task.objects.filter(pk=mine.pk).update(assignee=coordinator.user)
    assert list(selectors.open_tasks(coordinator, assignee=coordinator.user)) == [mine]
    assert list(
        selectors.open_tasks(coordinator, assignee=coordinator.user, role=Role.CARE_COORDINATOR)
    ) == [first, mine]
    assert selectors.access_task(coordinator, first.pk) == first
    for task_id in (theirs.pk, "nonsense"):
        with pytest.raises(Http404):
            selectors.access_task(coordinator, task_id)
    complete_task(actor=coordinator, task=first, note="", at=NOW)
    assert [t.pk for t in selectors.tasks_of_child(coordinator, child_a)] == [mine.pk, first.pk]
    analyst = actor_for(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)
    assert not selectors.open_tasks(analyst).exists()
    assert not selectors.tasks_of_child(
        actor_for(clinician_b, practice_b, Role.PEDIATRICIAN), child_a
    ).exists()
