"""Goal (US Core 7 Goal): a goal of the child's shared care plan (careplan.Goal), its
description in the words the family and team wrote it in, and its progress notes as the
goal's notes (Annotation: text, time, author).

Who reads a goal reads its notes: the plan's pages show every note of a goal to whoever sees
the goal (the team's page, the family's, an outside member's, the print), so no kind of note is
held back here either."""

from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from medhome.careplan.fhir_codes import LIFECYCLE_STATUS
from medhome.careplan.models import Goal, GoalStatus, ProgressNote
from medhome.smart.principal import FhirPrincipal

from ..care import (
    code_table,
    coded_param,
    concept,
    instant,
    membership_of,
    meta,
    patient_ref,
    practice_rows,
    practitioner_ref,
    ref,
)
from ..params import date_param, reference_param
from ..registry import ResourceType, register
from .practitioner import practitioner_id

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-goal"
SP = "http://hl7.org/fhir/SearchParameter/"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter/"
LIFECYCLE = "http://hl7.org/fhir/goal-status"
ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# GoalAchievementStatus (http://terminology.hl7.org/CodeSystem/goal-achievement): said only
# where medhome knows it; a stopped goal may or may not have been reached.
ACHIEVEMENT_STATUS = {
    GoalStatus.IN_PROGRESS: ("in-progress", "In Progress"),
    GoalStatus.MET: ("achieved", "Achieved"),
}


def rows(principal: FhirPrincipal) -> QuerySet[Goal]:
    """A note added changes the served goal (its `note`) but not the goal's row: the goal is
    last updated at its latest note, so `_lastUpdated` and an export `_since` find it."""
    latest_note = ProgressNote.objects.filter(goal=OuterRef("pk")).order_by("-at").values("at")[:1]
    return practice_rows(principal, Goal).annotate(
        goal_updated_at=Greatest("updated_at", Coalesce(Subquery(latest_note), "updated_at"))
    )


def note_rows() -> QuerySet[ProgressNote]:
    return (
        ProgressNote.objects.select_related("by_user", "by_caregiver", "by_outside_member__user")
        .annotate(fhir_practitioner=practitioner_id("by_user"))
        .order_by("at", "pk")
    )


def prepare(qs: QuerySet[Goal]) -> QuerySet[Goal]:
    """Two queries a page: the goals, their notes."""
    return qs.select_related("plan", "owner_caregiver").prefetch_related(
        Prefetch("notes", queryset=note_rows(), to_attr="fhir_notes")
    )


def _notes(goal: Goal) -> list[ProgressNote]:
    found = getattr(goal, "fhir_notes", None)
    return list(found) if found is not None else list(note_rows().filter(goal=goal))


def author(note: ProgressNote) -> dict[str, Any]:
    """Who wrote the note, in ProgressNote.by_label's order: a caregiver (RelatedPerson), an
    outside member by their label (no resource of theirs is served; their login is not this
    practice's staff), a staff member (Practitioner), or the name another system gave."""
    if note.by_caregiver is not None:
        return {
            "authorReference": ref("RelatedPerson", note.by_caregiver_id, str(note.by_caregiver))
        }
    if note.by_outside_member is not None:
        return {"authorString": note.by_label}
    if note.by_user is not None:
        return {"authorReference": practitioner_ref(note.by_user, membership_of(note, "by_user"))}
    return {"authorString": note.by_name} if note.by_name else {}


def annotation(note: ProgressNote) -> dict[str, Any]:
    return {**author(note), "time": instant(note.at), "text": note.text}


def expressed_by(goal: Goal) -> dict[str, Any]:
    """Who set the goal (careplan.models.Side): the family — the caregiver who owns it when
    known — or the care team."""
    if goal.created_by_family or goal.owner_is_family:
        if goal.owner_caregiver is not None:
            return ref("RelatedPerson", goal.owner_caregiver_id, str(goal.owner_caregiver))
        return {"display": "Family"}
    return {"display": "Care team"}


def to_resource(goal: Goal, principal: FhirPrincipal) -> dict[str, Any]:
    status = GoalStatus(goal.status)
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(goal.pk),
        "meta": meta(getattr(goal, "goal_updated_at", goal.updated_at), PROFILE),
        "lifecycleStatus": LIFECYCLE_STATUS[status],
        "description": {"text": goal.text},
        "subject": patient_ref(goal.plan.child_id),
        "startDate": goal.created_at.date().isoformat(),
        "expressedBy": expressed_by(goal),
    }
    if status in ACHIEVEMENT_STATUS:
        code, display = ACHIEVEMENT_STATUS[status]
        resource["achievementStatus"] = concept(ACHIEVEMENT, code, display)
    if goal.target_on is not None:
        resource["target"] = [{"dueDate": goal.target_on.isoformat()}]
    notes = _notes(goal)
    if notes:
        resource["note"] = [annotation(note) for note in notes]
    return resource


GOAL = register(
    ResourceType(
        name="Goal",
        model=Goal,
        rows=rows,
        to_resource=to_resource,
        patient_path="plan__child",
        params={
            "patient": reference_param(
                "patient", "plan__child_id", "Patient", definition=f"{SP}Goal-patient"
            ),
            "lifecycle-status": coded_param(
                "lifecycle-status",
                code_table(
                    LIFECYCLE,
                    {fhir: Q(status=value) for value, fhir in LIFECYCLE_STATUS.items()},
                ),
                definition=f"{US_CORE_SP}us-core-goal-lifecycle-status",
            ),
            "target-date": date_param(
                "target-date",
                "target_on",
                is_date=True,
                definition=f"{US_CORE_SP}us-core-goal-target-date",
            ),
        },
        profiles=(PROFILE,),
        sorts={"target-date": "target_on"},
        default_order=("created_at", "pk"),
        prepare=prepare,
        updated_field="goal_updated_at",
    )
)
