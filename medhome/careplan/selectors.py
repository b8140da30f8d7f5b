"""Reads of the care plan, always through the actor's practice (practices.scoping)."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child
from medhome.portal.models import FamilyLink
from medhome.practices.scoping import get_scoped, scoped
from medhome.referrals.models import Referral
from medhome.screening.models import Administration

from .models import CarePlan, CareTeamMember, Goal, PlanAction, PlanChange

READ = Capability.CHART_READ


def access_plan(actor: Actor, plan_id: UUID | str) -> CarePlan:
    return get_scoped(actor, CarePlan, need=READ, pk=plan_id)


def plan_of_child(actor: Actor, child: Child) -> CarePlan | None:
    """The child's plan, or None when there is none yet (or the child is not the actor's)."""
    return scoped(actor, CarePlan, need=READ).filter(child_id=child.pk).first()


def access_goal(actor: Actor, goal_id: UUID | str) -> Goal:
    return get_scoped(actor, Goal, need=READ, pk=goal_id)


def access_action(actor: Actor, action_id: UUID | str) -> PlanAction:
    return get_scoped(actor, PlanAction, need=READ, pk=action_id)


def access_member(actor: Actor, member_id: UUID | str) -> CareTeamMember:
    return get_scoped(actor, CareTeamMember, need=READ, pk=member_id)


def team_of(child: Child) -> QuerySet[CareTeamMember]:
    """Everyone on the child's team, the lead coordinator first (the caller checked access)."""
    return CareTeamMember.objects.filter(
        practice_id=child.practice_id, child=child, is_active=True
    ).select_related("user", "caregiver")


def goals_of(plan: CarePlan) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(practice_id=plan.practice_id, plan=plan)
        .select_related("owner_caregiver", "owner_member__user", "owner_member__caregiver")
        .prefetch_related("notes__by_user", "notes__by_caregiver")
    )


def actions_of(plan: CarePlan) -> QuerySet[PlanAction]:
    return PlanAction.objects.filter(practice_id=plan.practice_id, plan=plan).select_related(
        "goal",
        "owner_caregiver",
        "owner_member__user",
        "owner_member__caregiver",
        "referral__organization",
        "screening",
    )


def plan_history(plan: CarePlan) -> QuerySet[PlanChange]:
    """Every change to the plan, newest first: version, who, when, what (old → new)."""
    return PlanChange.objects.filter(practice_id=plan.practice_id, plan=plan).order_by("-version")


def linkable_referrals(plan: CarePlan) -> QuerySet[Referral]:
    return Referral.objects.filter(
        practice_id=plan.practice_id, child_id=plan.child_id
    ).select_related("organization")


def linkable_screenings(plan: CarePlan) -> QuerySet[Administration]:
    return Administration.objects.filter(
        practice_id=plan.practice_id, child_id=plan.child_id, submitted_at__isnull=False
    ).order_by("-submitted_at")


def plan_of_link(link: FamilyLink) -> CarePlan:
    """The plan a care-plan family link opens: its child's one plan, in the link's practice."""
    plan = CarePlan.objects.filter(practice_id=link.practice_id, child_id=link.child_id).first()
    if plan is None:
        raise Http404
    return plan


def family_visible_actions(
    plan: CarePlan, *, caregiver: Caregiver | None = None
) -> list[PlanAction]:
    """Actions a caregiver may see: none that comes from a confidential screening (§11).

    `caregiver` is whom the page or print is for (a family link's caregiver), None for a print
    made by staff for the family."""
    return [
        action
        for action in actions_of(plan)
        if not (action.screening is not None and action.screening.confidential)
    ]
