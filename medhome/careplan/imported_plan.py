"""The goals and the plan from another system: the Goal and CarePlan lines of an EHR bulk import
(the rules: careplan.imported, docs/clinical-rules.md#imported-plans)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from medhome.core.actor import Actor
from medhome.ehr.bulk_people import Applied, each, run_batch
from medhome.ehr.fhir_in.common import (
    Refused,
    check_dates,
    parse_date,
    parse_instant,
    reference_id,
)
from medhome.ehr.models import SourceDigest
from medhome.families.models import Caregiver, Child

from . import services
from .fhir_codes import (
    ACTION_CONFIDENTIAL,
    ACTION_FOR_ACTIVITY,
    DUE_PREFIX,
    FAMILY_STRENGTHS,
    GOAL_FOR_LIFECYCLE,
    REVIEW_ON,
)
from .imported import (
    NOT_KEPT,
    caregiver_of,
    child_of,
    note_author,
    plan_actor,
    refuse_changed,
    team_member_of,
)
from .models import CarePlan, CareTeamMember, Goal

if TYPE_CHECKING:
    from medhome.ehr.bulk import BatchResult, Context, Line


@dataclass(frozen=True)
class NoteData:
    text: str
    written_at: datetime | None
    author: services.NoteAuthor


@dataclass(frozen=True)
class GoalData:
    child: Child
    text: str
    status: str
    target_on: date | None
    owner: Caregiver | None
    started_on: date | None
    notes: list[NoteData] = field(default_factory=list)


@dataclass(frozen=True)
class ActionData:
    text: str
    status: str
    goal: Goal | None
    due_on: date | None
    confidential: bool
    owner_caregiver: Caregiver | None = None
    owner_member: CareTeamMember | None = None


@dataclass(frozen=True)
class PlanData:
    child: Child
    priorities: str
    strengths: str
    review_on: date | None
    actions: list[ActionData] = field(default_factory=list)


# -- goals ------------------------------------------------------------------------------------


def _written_at(value: Any, child: Child, context: "Context") -> datetime | None:
    """When the note was written (Annotation.time: a day is read as its noon, as a goal's start
    day is); refused in the future or before the child was born, like every date."""
    if not value:
        return None
    text = str(value)
    day = parse_date(text)
    check_dates(on=day, today=context.today, born=child.date_of_birth)
    if len(text) <= 10 and day is not None:
        return datetime.combine(day, time(12), tzinfo=UTC)
    return parse_instant(text)


def _notes(
    resource: dict[str, Any],
    child: Child,
    context: "Context",
    shared: dict[str, Any],
    result: "BatchResult",
) -> list[NoteData]:
    """The goal's progress notes (Goal.note), each with its time and author (note_author)."""
    found = []
    for annotation in resource.get("note") or []:
        if not isinstance(annotation, dict):
            continue
        text = str(annotation.get("text") or "").strip()
        if not text:
            result.skipped["goal_note_without_text"] += 1
            continue
        written_at = _written_at(annotation.get("time"), child, context)
        found.append(NoteData(text, written_at, note_author(annotation, child, context, shared)))
    return found


def _goal(
    line: "Line", context: "Context", shared: dict[str, Any], result: "BatchResult"
) -> GoalData:
    refuse_changed(line, shared)
    resource = line.resource
    child = child_of(line, context, shared, "subject")
    status = GOAL_FOR_LIFECYCLE.get(str(resource.get("lifecycleStatus") or ""))
    if status is None:
        raise Refused("invalid_status", _("The goal's status is not one medhome keeps."))
    description = resource.get("description") or {}
    text = str(description.get("text") or "").strip()
    if not text:
        codings = [c for c in description.get("coding") or [] if isinstance(c, dict)]
        text = next((str(c["display"]).strip() for c in codings if c.get("display")), "")
    if not text:
        raise Refused("goal_without_text", _("The goal has no words medhome can show."))
    targets = [t for t in resource.get("target") or [] if isinstance(t, dict)]
    target_on = next((parse_date(t["dueDate"]) for t in targets if t.get("dueDate")), None)
    started_on = parse_date(resource.get("startDate"))
    check_dates(on=started_on, today=context.today, born=child.date_of_birth)
    return GoalData(
        child=child,
        text=text,
        status=status,
        target_on=target_on,
        owner=caregiver_of(resource.get("expressedBy"), child, context, shared),
        started_on=started_on,
        notes=_notes(resource, child, context, shared, result),
    )


def import_goals(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    actor = plan_actor(context)

    def prepare(line: "Line", shared: dict[str, Any]) -> GoalData | None:
        if line.resource.get("lifecycleStatus") == NOT_KEPT:
            result.skipped["entered_in_error"] += 1
            return None
        return _goal(line, context, shared, result)

    def write(goal: GoalData, _shared: dict[str, Any]) -> Applied:
        return _add_goal(actor, goal, context.at)

    run_batch("Goal", lines, context, result, prepare, each(write))


def _add_goal(actor: Actor, data: GoalData, at: datetime) -> Applied:
    plan = services.ensure_plan(actor=actor, child=data.child, at=at)
    goal = services.add_goal(
        actor=actor,
        plan=plan,
        text=data.text,
        owner_caregiver=data.owner,
        target_on=data.target_on,
        status=data.status,
        at=at,
    )
    if data.started_on is not None:
        # The goal keeps the day it was set (Goal.startDate), not the import's.
        goal.created_at = datetime.combine(data.started_on, time(12), tzinfo=UTC)
        Goal.objects.filter(pk=goal.pk).update(created_at=goal.created_at)
    for note in data.notes:
        services.add_progress_note(
            actor=actor,
            goal=goal,
            text=note.text,
            author=note.author,
            written_at=note.written_at,
            at=at,
        )
    return "created", goal.pk, data.child.pk


# -- the plan ---------------------------------------------------------------------------------


def _extension(resource: dict[str, Any], url: str, kind: str) -> Any:
    return next(
        (
            ext.get(kind)
            for ext in resource.get("extension") or []
            if isinstance(ext, dict) and ext.get("url") == url
        ),
        None,
    )


def _goals_by_sender_id(
    context: "Context", shared: dict[str, Any], lines: list["Line"]
) -> dict[str, Goal]:
    """The goals this practice imported, by the sender's Goal id (two queries per batch)."""
    if "goals" not in shared:
        named = {
            reference_id(goal, "Goal")
            for line in lines
            for activity in line.resource.get("activity") or []
            if isinstance(activity, dict)
            for goal in (activity.get("detail") or {}).get("goal") or []
        } - {""}
        digests = dict(
            SourceDigest.objects.for_practice(context.practice)
            .filter(resource_type="Goal", resource_id__in=named)
            .values_list("resource_id", "object_id")
        )
        goals = Goal.objects.for_practice(context.practice).in_bulk(list(digests.values()))
        by_pk = {str(pk): goal for pk, goal in goals.items()}
        shared["goals"] = {sender: by_pk[pk] for sender, pk in digests.items() if pk in by_pk}
    found: dict[str, Goal] = shared["goals"]
    return found


def _owner(
    detail: dict[str, Any],
    child: Child,
    context: "Context",
    shared: dict[str, Any],
    result: "BatchResult",
) -> tuple[Caregiver | None, CareTeamMember | None]:
    """Who does the action (its first performer): a caregiver of the family, or the member of
    the child's team here the sender names. Nobody here by that name: the action is kept
    without an owner and counted, as a coordinator would assign it again."""
    performer = next((p for p in detail.get("performer") or [] if isinstance(p, dict)), None)
    if performer is None:
        return None, None
    if reference_id(performer, "RelatedPerson"):
        caregiver = caregiver_of(performer, child, context, shared, missing_ok=True)
        member = None
    else:
        caregiver, member = None, team_member_of(performer, child, context, shared)
    if caregiver is None and member is None:
        result.skipped["plan_action_owner_unknown"] += 1
    return caregiver, member


def _action(
    activity: dict[str, Any],
    child: Child,
    goals: dict[str, Goal],
    context: "Context",
    shared: dict[str, Any],
    result: "BatchResult",
) -> ActionData | None:
    detail = activity.get("detail")
    if not isinstance(detail, dict):
        result.skipped["plan_activity_reference"] += 1  # a reference to another resource
        return None
    status = ACTION_FOR_ACTIVITY.get(str(detail.get("status") or ""))
    if status is None:  # entered in error, unknown
        result.skipped["plan_activity_status"] += 1
        return None
    text = str(detail.get("description") or "").strip()
    if not text:
        raise Refused("action_without_text", _("An action of the plan has no description."))
    goal = None
    for reference in detail.get("goal") or []:
        goal = goals.get(reference_id(reference, "Goal"))
        if goal is None or goal.plan.child_id != child.pk:
            raise Refused(
                "goal_unknown",
                _("An action of the plan names a goal this import did not bring for the child."),
            )
    scheduled = str(detail.get("scheduledString") or "")
    due_on = (
        parse_date(scheduled.removeprefix(DUE_PREFIX)) if scheduled.startswith(DUE_PREFIX) else None
    )
    confidential = _extension(activity, ACTION_CONFIDENTIAL, "valueBoolean") is True
    owner_caregiver, owner_member = _owner(detail, child, context, shared, result)
    return ActionData(text, status, goal, due_on, confidential, owner_caregiver, owner_member)


def import_care_plans(lines: list["Line"], context: "Context", result: "BatchResult") -> None:
    actor = plan_actor(context)

    def prepare(line: "Line", shared: dict[str, Any]) -> PlanData | None:
        resource = line.resource
        if resource.get("status") == NOT_KEPT:
            result.skipped["entered_in_error"] += 1
            return None
        refuse_changed(line, shared)
        child = child_of(line, context, shared, "subject")
        goals = _goals_by_sender_id(context, shared, lines)
        actions = [
            _action(activity, child, goals, context, shared, result)
            for activity in resource.get("activity") or []
            if isinstance(activity, dict)
        ]
        review = _extension(resource, REVIEW_ON, "valueDate")
        return PlanData(
            child=child,
            priorities=str(resource.get("description") or "").strip(),
            strengths=str(_extension(resource, FAMILY_STRENGTHS, "valueString") or "").strip(),
            review_on=parse_date(review) if review else None,
            actions=[action for action in actions if action is not None],
        )

    def write(plan: PlanData, _shared: dict[str, Any]) -> Applied:
        return _fill_plan(actor, plan, context.at)

    run_batch("CarePlan", lines, context, result, prepare, each(write))


def _fill_plan(actor: Actor, data: PlanData, at: datetime) -> Applied:
    plan: CarePlan = services.ensure_plan(actor=actor, child=data.child, at=at)
    empty: dict[str, Any] = {}
    if data.priorities and not plan.family_priorities.strip():
        empty["family_priorities"] = data.priorities
    if data.strengths and not plan.family_strengths.strip():
        empty["family_strengths"] = data.strengths
    if data.review_on is not None and plan.review_on is None:
        empty["review_on"] = data.review_on
    if empty:
        plan = services.update_plan(actor=actor, plan=plan, version=None, at=at, **empty)
    for action in data.actions:
        services.add_action(
            actor=actor,
            plan=plan,
            text=action.text,
            goal=action.goal,
            due_on=action.due_on,
            status=action.status,
            confidential=action.confidential,
            owner_caregiver=action.owner_caregiver,
            owner_member=action.owner_member,
            at=at,
        )
    return "created", plan.pk, data.child.pk
