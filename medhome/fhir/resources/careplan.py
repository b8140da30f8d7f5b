"""CarePlan (US Core 7 CarePlan): the child's one shared care plan (careplan.CarePlan) — the
family's priorities and strengths, its goals, and its actions as activities, each with its owner
as the performer (named as CareTeam names the member).

The adolescent's own actions (PlanAction.is_confidential) and those linked to a partner-violence
referral or screen reach only the clinical team, in the activities and the narrative alike
(care.action_visible; docs/clinical-rules.md#adolescent-confidentiality, #safety-referrals)."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.utils.html import escape

from medhome.careplan.fhir_codes import (
    ACTION_CONFIDENTIAL,
    ACTIVITY_STATUS,
    DUE_PREFIX,
    FAMILY_STRENGTHS,
    REVIEW_ON,
)
from medhome.careplan.models import ActionStatus, CarePlan, Goal, PlanAction
from medhome.smart.principal import FhirPrincipal

from ..care import action_visible, concept, constant_param, meta, patient_ref, practice_rows, ref
from ..params import reference_param
from ..registry import Include, ResourceType, register
from .careteam import member_ref, member_rows

PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-careplan"
SP = "http://hl7.org/fhir/SearchParameter/"
US_CORE_SP = "http://hl7.org/fhir/us/core/SearchParameter/"
# US Core's CarePlan category (http://hl7.org/fhir/us/core/CodeSystem/careplan-category):
# assess-plan "Assessment and Plan of Treatment", required by the US Core CarePlan profile.
CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
STATUS_SYSTEM = "http://hl7.org/fhir/request-status"


def rows(principal: FhirPrincipal) -> QuerySet[CarePlan]:
    return practice_rows(principal, CarePlan)


def action_rows() -> QuerySet[PlanAction]:
    """Actions with what decides whether one may be shown, and their owners (members as
    CareTeam reads them: one more query a page, none per action)."""
    return (
        PlanAction.objects.select_related("referral", "screening", "owner_caregiver")
        .prefetch_related(Prefetch("owner_member", queryset=member_rows()))
        .order_by("created_at", "pk")
    )


def prepare(qs: QuerySet[CarePlan]) -> QuerySet[CarePlan]:
    """Four queries a page at most: the plans, their goals, their actions, the team members
    who own actions."""
    return qs.prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("created_at", "pk"), to_attr="fhir_goals"),
        Prefetch("actions", queryset=action_rows(), to_attr="fhir_actions"),
    )


def _goals(plan: CarePlan) -> list[Goal]:
    found = getattr(plan, "fhir_goals", None)
    return list(found) if found is not None else list(prepare_one(plan, "goals"))


def _actions(plan: CarePlan, principal: FhirPrincipal) -> list[PlanAction]:
    found = getattr(plan, "fhir_actions", None)
    actions = list(found) if found is not None else list(prepare_one(plan, "actions"))
    return [action for action in actions if action_visible(action, principal)]


def prepare_one(plan: CarePlan, name: str) -> QuerySet[Any]:
    """A plan read without `prepare` (a test, a single read the caller did not prepare)."""
    if name == "goals":
        return Goal.objects.filter(plan=plan).order_by("created_at", "pk")
    return action_rows().filter(plan=plan)


def narrative(plan: CarePlan, goals: list[Goal], actions: list[PlanAction]) -> str:
    """The plan as XHTML (US Core requires CarePlan.text): every word written by a person is
    escaped, so a priority or goal cannot inject markup."""
    parts = ['<div xmlns="http://www.w3.org/1999/xhtml">']
    if plan.family_priorities:
        parts.append(f"<p>What matters most to our family: {escape(plan.family_priorities)}</p>")
    if plan.family_strengths:
        parts.append(f"<p>Our family's strengths: {escape(plan.family_strengths)}</p>")
    if goals:
        items = "".join(f"<li>{escape(goal.text)}</li>" for goal in goals)
        parts.append(f"<p>Goals</p><ul>{items}</ul>")
    if actions:
        items = "".join(
            f"<li>{escape(action.text)} ({ACTIVITY_STATUS[ActionStatus(action.status)]})</li>"
            for action in actions
        )
        parts.append(f"<p>Actions</p><ul>{items}</ul>")
    if len(parts) == 1:
        parts.append("<p>Shared care plan</p>")
    parts.append("</div>")
    return "".join(parts)


def performer(action: PlanAction) -> dict[str, Any] | None:
    """Who does the action: a caregiver as their RelatedPerson, a team member as CareTeam names
    them (careplan.imported_plan finds them on the team again)."""
    if action.owner_caregiver is not None:
        return ref("RelatedPerson", action.owner_caregiver_id, str(action.owner_caregiver))
    if action.owner_member is not None:
        return member_ref(action.owner_member)
    return None


def activity(action: PlanAction) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "status": ACTIVITY_STATUS[ActionStatus(action.status)],
        "description": action.text,
    }
    if action.goal_id is not None:
        detail["goal"] = [ref("Goal", action.goal_id)]
    if action.due_on is not None:
        detail["scheduledString"] = f"{DUE_PREFIX}{action.due_on.isoformat()}"
    owner = performer(action)
    if owner is not None:
        # Only on an action the principal may read (`_actions`): an adolescent's own action is
        # not served, so neither is who does it.
        detail["performer"] = [owner]
    found: dict[str, Any] = {"detail": detail}
    if action.is_confidential:
        # Only the clinical team reads it (action_visible); a system that keeps the plan keeps
        # it as the adolescent's own.
        found["extension"] = [{"url": ACTION_CONFIDENTIAL, "valueBoolean": True}]
    return found


def to_resource(plan: CarePlan, principal: FhirPrincipal) -> dict[str, Any]:
    goals = _goals(plan)
    actions = _actions(plan, principal)
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "meta": meta(plan.updated_at, PROFILE),
        "text": {"status": "generated", "div": narrative(plan, goals, actions)},
        "status": "active",
        "intent": "plan",
        "category": [concept(CATEGORY, "assess-plan", "Assessment and Plan of Treatment")],
        "title": "Shared care plan",
        "subject": patient_ref(plan.child_id),
        "period": {"start": plan.created_at.date().isoformat()},
        "created": plan.created_at.date().isoformat(),
        # The child's care team is served as CareTeam/<child id> (resources/careteam.py).
        "careTeam": [ref("CareTeam", plan.child_id)],
    }
    if plan.family_priorities:
        resource["description"] = plan.family_priorities
    if goals:
        resource["goal"] = [ref("Goal", goal.pk) for goal in goals]
    if actions:
        resource["activity"] = [activity(action) for action in actions]
    extensions = []
    if plan.family_strengths:
        extensions.append({"url": FAMILY_STRENGTHS, "valueString": plan.family_strengths})
    if plan.review_on is not None:
        resource["note"] = [{"text": f"Review the plan on {plan.review_on.isoformat()}"}]
        extensions.append({"url": REVIEW_ON, "valueDate": plan.review_on.isoformat()})
    if extensions:
        resource["extension"] = extensions
    return resource


def _plan_goals(goals: QuerySet[Any], plans: Sequence[Model]) -> QuerySet[Any]:
    return goals.filter(plan_id__in=[plan.pk for plan in plans])


CAREPLAN = register(
    ResourceType(
        name="CarePlan",
        model=CarePlan,
        rows=rows,
        to_resource=to_resource,
        patient_path="child",
        params={
            "patient": reference_param(
                "patient", "child_id", "Patient", definition=f"{SP}clinical-patient"
            ),
            "category": constant_param(
                "category",
                CATEGORY,
                frozenset({"assess-plan"}),
                definition=f"{US_CORE_SP}us-core-careplan-category",
            ),
            "status": constant_param(
                "status",
                STATUS_SYSTEM,
                frozenset({"active"}),
                definition=f"{US_CORE_SP}us-core-careplan-status",
            ),
        },
        includes={
            "CarePlan:goal": Include(param="CarePlan:goal", target="Goal", related=_plan_goals)
        },
        profiles=(PROFILE,),
        default_order=("created_at", "pk"),
        prepare=prepare,
        updated_field="updated_at",
    )
)
