"""Tasks: idempotent opening, closing and rescheduling (audited), cancelling by source, scoped
reads, and a sentence and a source link built from the kind in the viewer's language."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.tasks import selectors
from medhome.tasks.models import Task, TaskKind, TaskPriority, TaskStatus
from medhome.tasks.services import cancel_tasks_for, close, open_task, reschedule
from tests.factories import actor_for

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 17, tzinfo=UTC)


def make(practice, child, *, key="k1", source_id=None, kind=TaskKind.REFERRAL_NO_RESPONSE, due=NOW):
    return open_task(
        practice=practice,
        child=child,
        kind=kind,
        details={"organization": "Food Bank of the Valley", "business_days": 3},
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
    close(actor=coordinator, task=task, note="Called; they had lost the fax.", at=NOW)
    again, created = make(practice_a, child_a)
    assert not created and again.status == TaskStatus.DONE


def test_close(coordinator, clinician_b, practice_a, practice_b, child_a):
    task, _ = make(practice_a, child_a)
    outsider = actor_for(clinician_b, practice_b, Role.PEDIATRICIAN)
    with pytest.raises(PermissionDenied):
        close(actor=outsider, task=task, note="", at=NOW)
    done = close(actor=coordinator, task=task, note=" Spoke with Ana. ", at=NOW)
    assert done.status == TaskStatus.DONE and done.completed_by == coordinator.user
    assert done.completed_at == NOW and done.note == "Spoke with Ana."
    trail = AuditEvent.objects.for_object("task", task.pk).order_by("sequence")
    assert list(trail.values_list("action", flat=True)) == ["create", "update"]
    assert "Ana" not in str(trail.last().detail)
    with pytest.raises(ValidationError):
        close(actor=coordinator, task=task, note="", at=NOW)


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
    close(actor=coordinator, task=first, note="", at=NOW)
    assert [t.pk for t in selectors.tasks_of_child(coordinator, child_a)] == [mine.pk, first.pk]
    analyst = actor_for(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)
    assert not selectors.open_tasks(analyst).exists()
    assert not selectors.tasks_of_child(
        actor_for(clinician_b, practice_b, Role.PEDIATRICIAN), child_a
    ).exists()


def test_reschedule_moves_an_open_task_and_is_audited(
    coordinator, clinician_b, practice_a, practice_b, child_a
):
    task, _ = make(practice_a, child_a)
    later = NOW + timedelta(days=2)
    moved = reschedule(task=task, due_at=later, at=NOW)  # the system (a feed's discharge)
    assert moved.due_at == later
    with pytest.raises(PermissionDenied):
        reschedule(
            actor=actor_for(clinician_b, practice_b, Role.PEDIATRICIAN),
            task=task,
            due_at=NOW,
            at=NOW,
        )
    reschedule(actor=coordinator, task=task, due_at=NOW, at=NOW)
    trail = AuditEvent.objects.for_object("task", task.pk).order_by("sequence")
    assert [(e.action, e.detail["fields"]) for e in trail][1:] == [
        ("update", ["due_at"]),
        ("update", ["due_at"]),
    ]
    assert trail.last().actor == coordinator.user
    close(actor=coordinator, task=task, note="", at=NOW, status=TaskStatus.CANCELLED)
    with pytest.raises(ValidationError):
        reschedule(task=task, due_at=later, at=NOW)


def test_the_title_is_built_from_the_kind_in_the_viewers_language(practice_a, child_a):
    referral_task, _ = make(practice_a, child_a)
    transition, _ = open_task(
        practice=practice_a,
        child=child_a,
        kind=TaskKind.TRANSITION_FOLLOW_UP,
        details={"business_days": 2},
        due_at=NOW,
        source_type="care_event",
        source_id=uuid.UUID(int=7),
        dedupe_key="transition:x",
        at=NOW,
    )
    task = Task.objects.get(pk=transition.pk)
    with translation.override("en"):
        assert task.title == "Contact the family within 2 business days of the hospital or ED visit"
        assert task.source_label == "Open the hospital visit"
        assert "Food Bank of the Valley after 3 business days" in referral_task.title
    with translation.override("es"):
        assert task.title == (
            "Contacte a la familia dentro de 2 días hábiles después de la visita al hospital "
            "o a urgencias"
        )
        assert task.source_label == "Abrir la visita al hospital"
        assert "Food Bank of the Valley" in referral_task.title
        assert "3 días hábiles" in referral_task.title
    assert task.source_url == f"/events/{uuid.UUID(int=7)}/"
    assert referral_task.source_url == f"/referrals/{uuid.UUID(int=1)}/"
    assert "title" not in {field.name for field in Task._meta.get_fields()}


def test_an_escalated_alert_task_says_nothing_clinical_and_opens_the_alerts_list(
    practice_a, child_a
):
    task, _ = open_task(
        practice=practice_a,
        child=child_a,
        kind=TaskKind.ALERT_ESCALATED,
        due_at=NOW,
        source_type="critical_alert",
        source_id=uuid.UUID(int=9),
        dedupe_key="alert:9",
        at=NOW,
        priority=TaskPriority.URGENT,
    )
    with translation.override("en"):
        assert task.title.startswith("A clinician is needed now for this child")
    for word in ("PHQ", "self-harm", "item", "suicid"):
        assert word.lower() not in task.title.lower()
    assert task.source_url == "/screening/alerts/"


def test_urgent_tasks_come_first(coordinator, practice_a, child_a):
    routine, _ = make(practice_a, child_a, key="soon")
    urgent, _ = open_task(
        practice=practice_a,
        child=child_a,
        kind=TaskKind.ALERT_ESCALATED,
        due_at=NOW + timedelta(hours=1),
        source_type="critical_alert",
        source_id=uuid.UUID(int=9),
        dedupe_key="alert:9",
        at=NOW,
        priority=TaskPriority.URGENT,
    )
    assert list(selectors.open_tasks(coordinator)) == [urgent, routine]


def test_the_task_list_shows_the_sentence_and_the_source_link_in_spanish(
    log_in, staff_a, practice_a, child_a
):
    make(practice_a, child_a, source_id=uuid.UUID(int=3))
    client = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)
    body = client.get("/tasks/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Abrir la derivación" in body and f"/referrals/{uuid.UUID(int=3)}/" in body


def test_an_unknown_kind_is_refused(practice_a):
    with pytest.raises(ValidationError):
        open_task(
            practice=practice_a,
            child=None,
            kind="no_such_kind",
            due_at=NOW,
            source_type="",
            source_id="",
            dedupe_key="unknown-kind",
            at=NOW,
        )
    assert not selectors.open_source_ids(practice=practice_a, source_type="")
