"""Recording a review: its decisions become tasks, all or nothing, with clear refusals."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.casereview.models import CaseReview, Decision
from medhome.casereview.services import DecisionInput, record_review
from medhome.practices.calendar import calendar_of
from medhome.tasks.kinds import TaskKind, title_of
from medhome.tasks.models import Task, TaskStatus
from tests import factories

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 10, 19, 0, tzinfo=timezone.get_fixed_timezone(0))
TODAY = date(2026, 6, 10)


@pytest.fixture
def actor(staff_a, practice_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def decision(child, assignee: str, *, text: str = "Call the pantry about the referral", due=None):
    due_on = due or TODAY + timedelta(days=3)
    return DecisionInput(text=text, child_id=str(child.pk), assignee=assignee, due_on=due_on)


def test_a_review_opens_one_task_per_decision(actor, practice_a, staff_a, family_a, child_a):
    worker = staff_a[Role.COMMUNITY_HEALTH_WORKER]
    since = AuditEvent.objects.count()

    review = record_review(
        actor=actor,
        family=family_a,
        held_on=TODAY,
        attendee_ids=[str(worker.pk), str(staff_a[Role.PEDIATRICIAN].pk)],
        summary="Food and transport are the family's worries.",
        decisions=[
            decision(child_a, f"user:{worker.pk}"),
            decision(child_a, "role:behavioral_health", text="Offer a visit with the BH clinician"),
        ],
        at=AT,
    )

    tasks = list(Task.objects.filter(source_type="case_review").order_by("dedupe_key"))
    assert [(t.kind, t.details, t.assignee, t.assignee_role, t.child) for t in tasks] == [
        (
            TaskKind.CASE_REVIEW_DECISION,
            {"text": "Call the pantry about the referral"},
            worker,
            Role.COMMUNITY_HEALTH_WORKER,
            child_a,
        ),
        (
            TaskKind.CASE_REVIEW_DECISION,
            {"text": "Offer a visit with the BH clinician"},
            None,
            Role.BEHAVIORAL_HEALTH,
            child_a,
        ),
    ]
    calendar = calendar_of(practice_a)
    due_at = datetime.combine(TODAY + timedelta(days=3), calendar.closes_at, tzinfo=calendar.zone)
    assert {t.due_at for t in tasks} == {due_at}
    assert tasks[0].source_url == f"/case-review/families/{family_a.pk}/"
    assert title_of(tasks[0].kind, tasks[0].details) == (
        "From the case review: Call the pantry about the referral"
    )
    assert set(review.attendees.all()) == {worker, staff_a[Role.PEDIATRICIAN]}
    assert [(d.position, d.task_id) for d in review.decisions.all()] == [
        (1, tasks[0].pk),
        (2, tasks[1].pk),
    ]
    audited = AuditEvent.objects.order_by("pk")[since:]
    assert ("create", "case_review", str(review.pk)) in {
        (e.action, e.object_type, e.object_id) for e in audited
    }


def nothing_saved() -> tuple:
    return (CaseReview.objects.count(), Decision.objects.count(), Task.objects.count())


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "  "}, "Decision 2: write what is to be done."),
        ({"due": TODAY - timedelta(days=1)}, "Decision 2: the date by when is in the past."),
        ({"due": "none"}, "Decision 2: give the date by when."),
        ({"assignee": "role:"}, "Decision 2: choose who will do it."),
        ({"assignee": "role:network_analyst"}, "Decision 2: choose who will do it."),
        ({"child": "other"}, "Decision 2: choose which of the family's children it is for."),
    ],
    ids=["no words", "past", "no date", "nobody", "a role that reads no tasks", "no child"],
)
def test_a_bad_decision_is_refused_and_nothing_is_saved(
    actor, staff_a, family_a, child_a, child_b, row, message
):
    before = nothing_saved()
    bad = DecisionInput(
        text=row.get("text", "Call the family"),
        child_id=str(child_b.pk) if row.get("child") else str(child_a.pk),
        assignee=row.get("assignee", f"user:{staff_a[Role.NURSE].pk}"),
        due_on=None if row.get("due") == "none" else row.get("due", TODAY),
    )

    with pytest.raises(ValidationError) as refused:
        record_review(
            actor=actor,
            family=family_a,
            held_on=TODAY,
            attendee_ids=[],
            summary="",
            decisions=[decision(child_a, "role:care_coordinator"), bad],
            at=AT,
        )

    assert refused.value.messages == [message]
    assert nothing_saved() == before


def test_an_assignee_or_attendee_of_another_practice_is_refused(
    actor, family_a, child_a, clinician_b
):
    """clinician_b works in practice B only (nurse_of_both would be a colleague here)."""
    before = nothing_saved()

    with pytest.raises(ValidationError) as refused:
        record_review(
            actor=actor,
            family=family_a,
            held_on=TODAY,
            attendee_ids=[str(clinician_b.pk)],
            summary="",
            decisions=[decision(child_a, f"user:{clinician_b.pk}")],
            at=AT,
        )

    assert refused.value.messages == [
        "Someone chosen as attending is not on this practice's care team.",
        "Decision 1: the person chosen is not on this practice's care team.",
    ]
    assert nothing_saved() == before


def test_a_colleague_who_never_sees_a_child_is_not_given_a_decision(
    actor, staff_a, family_a, child_a
):
    analyst = staff_a[Role.NETWORK_ANALYST]

    with pytest.raises(ValidationError) as refused:
        record_review(
            actor=actor,
            family=family_a,
            held_on=TODAY,
            attendee_ids=[],
            summary="",
            decisions=[decision(child_a, f"user:{analyst.pk}")],
            at=AT,
        )

    assert refused.value.messages == [
        "Decision 1: the person chosen is not on this practice's care team."
    ]


@pytest.mark.parametrize(
    ("held_on", "summary", "message"),
    [
        (TODAY + timedelta(days=1), "Talked", "The review cannot be dated in the future."),
        (TODAY, "  ", "Write a summary or at least one decision."),
        (TODAY, "x" * 2001, "The summary has at most 2000 characters."),
    ],
    ids=["future", "empty", "long"],
)
def test_a_bad_review_is_refused(actor, family_a, held_on, summary, message):
    with pytest.raises(ValidationError) as refused:
        record_review(
            actor=actor,
            family=family_a,
            held_on=held_on,
            attendee_ids=[],
            summary=summary,
            decisions=[],
            at=AT,
        )

    assert refused.value.messages == [message]
    assert CaseReview.objects.count() == 0


def test_a_review_without_decisions_is_a_summary(actor, family_a):
    review = record_review(
        actor=actor,
        family=family_a,
        held_on=TODAY,
        attendee_ids=[],
        summary="Doing well; nothing to decide.",
        decisions=[],
        at=AT,
    )

    assert (review.summary, review.decisions.count()) == ("Doing well; nothing to decide.", 0)


def test_another_practice_family_or_a_role_without_the_capability_is_refused(
    actor, practice_a, staff_a, family_a, family_b
):
    desk = factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)
    for who, family in ((actor, family_b), (desk, family_a)):
        with pytest.raises(PermissionDenied):
            record_review(
                actor=who,
                family=family,
                held_on=TODAY,
                attendee_ids=[],
                summary="Talked",
                decisions=[],
                at=AT,
            )
    assert CaseReview.objects.count() == 0


def test_a_decision_task_closes_like_any_other(actor, staff_a, family_a, child_a):
    from medhome.tasks.services import close

    record_review(
        actor=actor,
        family=family_a,
        held_on=TODAY,
        attendee_ids=[],
        summary="",
        decisions=[decision(child_a, "role:care_coordinator")],
        at=AT,
    )
    task = Task.objects.get(kind=TaskKind.CASE_REVIEW_DECISION)

    close(actor=actor, task=task, note="Called", at=AT + timedelta(hours=1))

    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
