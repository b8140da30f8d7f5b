"""Every write of the case review, and the audit of its reads.

`record_review` writes the review, its decisions and one follow-up task per decision
(tasks.services.open_task, kind CASE_REVIEW_DECISION) in one transaction: every check runs
before the first row is written, so a refused review leaves nothing behind
(docs/clinical-rules.md#case-review).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.audit.models import Action
from medhome.audit.services import Entry, record, record_many
from medhome.core.actor import Actor
from medhome.core.clock import local_date
from medhome.families.models import Child, Family
from medhome.practices.calendar import calendar_of
from medhome.practices.models import Membership
from medhome.tasks.kinds import TaskKind
from medhome.tasks.services import open_task

from .models import DECISION_MAX, SUMMARY_MAX, CaseReview, Decision
from .selectors import NEED, FamilyRow, colleagues, team_roles

REVIEW_OBJECT = "case_review"
LIST_OBJECT = "case_review_list"
FAMILY_PAGE_OBJECT = "case_review_family"
TASK_SOURCE = "case_review"
PERSON = "user:"
ROLE = "role:"


@dataclass(frozen=True)
class DecisionInput:
    """One row of the form as typed: `assignee` is "user:<id>" or "role:<role>"."""

    text: str
    child_id: str
    assignee: str
    due_on: date | None


def _check_decision(
    number: int,
    decision: DecisionInput,
    *,
    children: dict[str, Child],
    members: dict[str, Membership],
    today: date,
) -> list[str]:
    errors = []
    values = {"n": number}
    if not decision.text.strip():
        errors.append(_("Decision %(n)s: write what is to be done.") % values)
    elif len(decision.text.strip()) > DECISION_MAX:
        errors.append(
            _("Decision %(n)s: at most %(max)s characters.") % {**values, "max": DECISION_MAX}
        )
    if decision.child_id not in children:
        errors.append(
            _("Decision %(n)s: choose which of the family's children it is for.") % values
        )
    if decision.assignee.startswith(PERSON):
        if decision.assignee.removeprefix(PERSON) not in members:
            errors.append(
                _("Decision %(n)s: the person chosen is not on this practice's care team.") % values
            )
    elif decision.assignee.removeprefix(ROLE) not in team_roles():
        errors.append(_("Decision %(n)s: choose who will do it.") % values)
    if decision.due_on is None:
        errors.append(_("Decision %(n)s: give the date by when.") % values)
    elif decision.due_on < today:
        errors.append(_("Decision %(n)s: the date by when is in the past.") % values)
    return errors


@transaction.atomic
def record_review(
    *,
    actor: Actor,
    family: Family,
    held_on: date,
    attendee_ids: Iterable[str],
    summary: str,
    decisions: Sequence[DecisionInput],
    at: datetime,
) -> CaseReview:
    """Record a case review of `family` and open a task for each decision, all or nothing."""
    if not actor.can(NEED) or family.practice_id != actor.practice_id:
        raise PermissionDenied(_("You cannot record a case review for this family."))
    today = local_date(at)
    members = {str(membership.user_id): membership for membership in colleagues(actor)}
    children = {
        str(child.pk): child
        for child in Child.objects.for_practice(actor.practice).filter(family=family)
    }
    attendees = [str(each) for each in attendee_ids]
    summary = summary.strip()
    errors: list[str] = []
    if held_on > today:
        errors.append(_("The review cannot be dated in the future."))
    if any(each not in members for each in attendees):
        errors.append(_("Someone chosen as attending is not on this practice's care team."))
    if len(summary) > SUMMARY_MAX:
        errors.append(_("The summary has at most %(max)s characters.") % {"max": SUMMARY_MAX})
    if not summary and not decisions:
        errors.append(_("Write a summary or at least one decision."))
    for number, decision in enumerate(decisions, start=1):
        errors += _check_decision(number, decision, children=children, members=members, today=today)
    if errors:
        raise ValidationError(errors)

    review = CaseReview.objects.create(
        practice=actor.practice,
        family=family,
        held_on=held_on,
        summary=summary,
        recorded_by=actor.user,
        recorded_at=at,
    )
    review.attendees.set([members[each].user for each in dict.fromkeys(attendees)])
    calendar = calendar_of(actor.practice)
    for position, decision in enumerate(decisions, start=1):
        member = members.get(decision.assignee.removeprefix(PERSON))
        is_person = decision.assignee.startswith(PERSON)
        role = member.role if is_person and member else decision.assignee.removeprefix(ROLE)
        due_on: Any = decision.due_on
        child = children[decision.child_id]
        text = decision.text.strip()
        task, _created = open_task(
            practice=actor.practice,
            child=child,
            kind=TaskKind.CASE_REVIEW_DECISION,
            # The end of the chosen day at the practice: "by Friday" means Friday's work.
            due_at=datetime.combine(due_on, calendar.closes_at, tzinfo=calendar.zone),
            source_type=TASK_SOURCE,
            source_id=family.pk,
            dedupe_key=f"case_review:{review.pk}:{position}",
            at=at,
            details={"text": text},
            assignee=member.user if is_person and member else None,
            assignee_role=role,
        )
        Decision.objects.create(
            review=review,
            position=position,
            text=text,
            child=child,
            assignee=task.assignee,
            assignee_role=role,
            due_on=due_on,
            task_id=task.pk,
        )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type=REVIEW_OBJECT,
        object_id=review.pk,
        at=at,
        practice=actor.practice,
        detail={
            "family": str(family.pk),
            "attendees": len(review.attendees.all()),
            "decisions": len(decisions),
        },
    )
    return review


def record_list_read(*, actor: Actor, rows: Sequence[FamilyRow], at: datetime) -> None:
    """The list shows children's names and why: one read per family shown."""
    record_many(
        actor=actor,
        entries=[
            Entry(
                action=Action.VIEW,
                object_type=LIST_OBJECT,
                object_id=row.family.pk,
                detail={
                    "children": [str(child.pk) for child in row.children],
                    "reasons": [reason.key for reason in row.reasons],
                },
            )
            for row in rows
        ],
        at=at,
        practice=actor.practice,
    )


def record_family_read(
    *, actor: Actor, family: Family, children: Sequence[Child], at: datetime
) -> None:
    record(
        actor=actor,
        action=Action.VIEW,
        object_type=FAMILY_PAGE_OBJECT,
        object_id=family.pk,
        at=at,
        practice=actor.practice,
        detail={"family": str(family.pk), "children": [str(child.pk) for child in children]},
    )
