"""Every write of the case review, and the audit of its reads.

`record_review` writes the review, its decisions and one follow-up task per decision
(tasks.services.open_task, kind CASE_REVIEW_DECISION) in one transaction: every check runs
before the first row is written, so a refused review leaves nothing behind
(docs/clinical-rules.md#case-review). A review held in a program's meeting (DULCE's weekly
review) also records that program's case-review contact for each child enrolled on the day
(programs.contacts.record_contact), in the same transaction (docs/clinical-rules.md#programs).
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
from medhome.programs import definitions as program_definitions
from medhome.programs.contacts import record_contact
from medhome.programs.models import TEXT_MAX_LENGTH, Enrolment, EnrolmentStatus, Program
from medhome.tasks.kinds import TaskKind
from medhome.tasks.services import open_task

from .models import DECISION_MAX, SUMMARY_MAX, CaseReview, Decision
from .selectors import NEED, FamilyRow, colleagues, team_roles

REVIEW_OBJECT = "case_review"
LIST_OBJECT = "case_review_list"
PROGRAM_LIST_OBJECT = "case_review_program"
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


def _program_children(program: Program, family: Family, held_on: date) -> tuple[list[Child], str]:
    """The family's children enrolled in the program on the review's day (whose case-review
    contact the review records), or why the review cannot be the program's."""
    if not program.is_active:
        return [], _("%(program)s is not running: its review cannot be recorded.") % {
            "program": program.display_name
        }
    enrolments = Enrolment.objects.filter(
        practice=family.practice, program=program, child__family=family
    )
    if program_definitions.CASE_REVIEW_KIND not in (program.contact_kinds or []):
        open_ones = enrolments.filter(
            status__in=[EnrolmentStatus.OFFERED, EnrolmentStatus.ENROLLED]
        )
        if not open_ones.exists():
            return [], _("This family has no open enrolment in %(program)s.") % {
                "program": program.display_name
            }
        return [], ""
    enrolled = [
        enrolment.child
        for enrolment in enrolments.filter(
            status=EnrolmentStatus.ENROLLED, enrolled_on__lte=held_on
        ).select_related("child")
    ]
    if not enrolled:
        return [], _(
            "No child of this family was enrolled in %(program)s on the day of the review."
        ) % {"program": program.display_name}
    return enrolled, ""


def _decisions_for(child: Child, decisions: Sequence[DecisionInput]) -> str:
    """The contact's `goals`: the decisions about that child, one a line, as written."""
    lines = [each.text.strip() for each in decisions if each.child_id == str(child.pk)]
    return "\n".join(lines)[:TEXT_MAX_LENGTH]


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
    program: Program | None = None,
) -> CaseReview:
    """Record a case review of `family` and open a task for each decision, all or nothing;
    held in `program`'s meeting, with the program's case-review contact for each child
    enrolled on the day."""
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
    enrolled: list[Child] = []
    if program is not None:
        if program.practice_id != actor.practice_id:
            raise PermissionDenied(_("You cannot record a case review for this family."))
        enrolled, why_not = _program_children(program, family, held_on)
        if why_not:
            errors.append(why_not)
    if errors:
        raise ValidationError(errors)

    review = CaseReview.objects.create(
        practice=actor.practice,
        family=family,
        held_on=held_on,
        summary=summary,
        recorded_by=actor.user,
        recorded_at=at,
        program=program,
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
    # Refused here (a rule of the program's contacts), the whole review rolls back with it.
    for child in enrolled:
        assert program is not None
        record_contact(
            actor=actor,
            program=program,
            child=child,
            kind=program_definitions.CASE_REVIEW_KIND,
            on=held_on,
            at=at,
            goals=_decisions_for(child, decisions),
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
            "program": str(program.pk) if program else "",
            "contacts": len(enrolled),
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


def record_program_read(
    *, actor: Actor, program: Program, rows: Sequence[Any], at: datetime
) -> None:
    """A program's review shows children's names, supports and referrals: one read per family."""
    record_many(
        actor=actor,
        entries=[
            Entry(
                action=Action.VIEW,
                object_type=PROGRAM_LIST_OBJECT,
                object_id=row.family.pk,
                detail={
                    "program": str(program.pk),
                    "children": [str(infant.child.pk) for infant in row.infants],
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
