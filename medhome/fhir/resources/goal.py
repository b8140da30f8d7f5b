"""Goal (US Core 7 Goal): a goal of the child's shared care plan (careplan.Goal), its
description in the words the family and team wrote it in."""

from typing import Any

from django.db.models import Q, QuerySet

from medhome.careplan.fhir_codes import LIFECYCLE_STATUS
from medhome.careplan.models import Goal, GoalStatus
from medhome.smart.principal import FhirPrincipal

from ..care import code_table, coded_param, concept, meta, patient_ref, practice_rows, ref
from ..params import date_param, reference_param
from ..registry import ResourceType, register

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
    return practice_rows(principal, Goal)


def prepare(qs: QuerySet[Goal]) -> QuerySet[Goal]:
    return qs.select_related("plan", "owner_caregiver")


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
        "meta": meta(goal.updated_at, PROFILE),
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
        updated_field="updated_at",
    )
)
