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

from .models import (
    CarePlan,
    CareTeamMember,
    Goal,
    PlanAction,
    PlanActionQuerySet,
    PlanChange,
)

READ = Capability.CHART_READ


def access_plan(actor: Actor, plan_id: UUID | str) -> CarePlan:
    return get_scoped(actor, CarePlan, need=READ, pk=plan_id)


def plan_of_child(actor: Actor, child: Child) -> CarePlan | None:
    """The child's plan, or None when there is none yet (or the child is not the actor's)."""
    return scoped(actor, CarePlan, need=READ).filter(child_id=child.pk).first()


def access_goal(actor: Actor, goal_id: UUID | str) -> Goal:
    return get_scoped(actor, Goal, need=READ, pk=goal_id)


def may_see_confidential(actor: Actor) -> bool:
    """The clinical team (screening.detail) sees an adolescent's own items, labelled; other
    roles see only that a confidential item exists
    (docs/clinical-rules.md#adolescent-confidentiality)."""
    return actor.can(Capability.SCREENING_DETAIL)


def access_action(actor: Actor, action_id: UUID | str) -> PlanAction:
    action = get_scoped(actor, PlanAction, need=READ, pk=action_id)
    if action.is_confidential and not may_see_confidential(actor):
        raise Http404
    return action


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


def actions_of(plan: CarePlan) -> PlanActionQuerySet:
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


def linkable_referrals(plan: CarePlan, *, confidential: bool = False) -> QuerySet[Referral]:
    """The child's referrals an action may come from; an adolescent's own only for those who
    may see them (`confidential`, from may_see_confidential)."""
    referrals = Referral.objects.filter(
        practice_id=plan.practice_id, child_id=plan.child_id
    ).select_related("organization")
    return referrals if confidential else referrals.exclude(pk__in=Referral.objects.confidential())


def linkable_screenings(plan: CarePlan, *, confidential: bool = False) -> QuerySet[Administration]:
    screenings = Administration.objects.filter(
        practice_id=plan.practice_id, child_id=plan.child_id, submitted_at__isnull=False
    ).order_by("-submitted_at")
    return screenings if confidential else screenings.filter(confidential=False)


def plan_of_link(link: FamilyLink) -> CarePlan:
    """The plan a care-plan family link opens: its child's one plan, in the link's practice."""
    plan = CarePlan.objects.filter(practice_id=link.practice_id, child_id=link.child_id).first()
    if plan is None:
        raise Http404
    return plan


# A screen that found partner violence: nothing that follows from it goes on a shared page.
SAFETY_DOMAIN = "safety"


def _shown_to(action: PlanAction, caregiver: Caregiver | None) -> bool:
    screening = action.screening
    if screening is not None and SAFETY_DOMAIN in (screening.positive_domains or []):
        return False
    if caregiver is None:
        return True
    # One caregiver's own answers and the referrals they consented to are theirs, not the
    # other caregiver's (docs/clinical-rules.md#who-sees-results,
    # docs/clinical-rules.md#referral-consent).
    if screening is not None and screening.caregiver_id not in (None, caregiver.pk):
        return False
    consent = getattr(action.referral, "consent", None) if action.referral else None
    return consent is None or consent.given_by_caregiver_id == caregiver.pk


def family_visible_actions(
    plan: CarePlan, *, caregiver: Caregiver | None = None
) -> list[PlanAction]:
    """Actions a caregiver may see on any caregiver-facing surface (family page, print, PDF,
    message): never the adolescent's own (linked, directly or through a referral, to their
    confidential screen), never one linked to a safety referral or to a screen that found
    partner violence (security.md 11). Given the caregiver, also none that rests on another
    caregiver's own screen or consent; without one (staff printing for the family) only the
    rules that hold for everyone apply."""
    actions = actions_of(plan).family_visible().select_related("referral__consent")
    return [action for action in actions if _shown_to(action, caregiver)]
