"""Reads of the care plan, always through the actor's practice (practices.scoping)."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.directory.models import Organization, PracticePartner
from medhome.directory.vocabulary import Need
from medhome.ehr.models import Immunization
from medhome.families.models import Caregiver, Child
from medhome.portal.models import FamilyLink
from medhome.practices.scoping import get_scoped, scoped
from medhome.referrals.models import Referral
from medhome.screening.models import Administration
from medhome.visits.models import Visit, VisitStatus

from .models import (
    CarePlan,
    CareTeamMember,
    Goal,
    MemberKind,
    OutsideConsent,
    OutsideItem,
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
        .prefetch_related("notes__by_user", "notes__by_caregiver", "notes__by_outside_member")
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


# --- Outside members of the care team (docs/clinical-rules.md#outside-care-team) -------------

# How much of the record the named items show: the last visits and immunizations, not a history.
OUTSIDE_RECENT_VISITS = 10
OUTSIDE_IMMUNIZATIONS = 50


def outside_members_of(child: Child) -> QuerySet[CareTeamMember]:
    """The child's outside members, with their consent in force (if any): staff's view (the
    caller checked access)."""
    return CareTeamMember.objects.filter(
        practice_id=child.practice_id, child=child, kind=MemberKind.EXTERNAL, is_active=True
    ).select_related("account", "partner_organization")


def consent_in_force(member: CareTeamMember) -> OutsideConsent | None:
    return (
        OutsideConsent.objects.filter(practice_id=member.practice_id, member=member)
        .in_force()
        .select_related("given_by_caregiver")
        .first()
    )


def consents_of(member: CareTeamMember) -> QuerySet[OutsideConsent]:
    consents = OutsideConsent.objects.filter(practice_id=member.practice_id, member=member)
    return consents.select_related("given_by_caregiver", "recorded_by", "revoked_by")


def partner_organizations_of_practice(actor: Actor) -> QuerySet[Organization]:
    """The organizations an outside member may be invited from: the practice's partners in the
    directory (curated, or added for an earlier outside member)."""
    if actor.practice_id is None:
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=PracticePartner.objects.filter(practice_id=actor.practice_id).values(
            "organization_id"
        )
    ).order_by("name")


def outside_members(actor: Actor) -> QuerySet[CareTeamMember]:
    """The care teams an organization's user is on, only those with the family's consent in
    force, while their membership of the organization stands. Read on every request: a revoked
    consent or an ended membership removes the child at the next query."""
    user_pk = getattr(actor.user, "pk", None)
    if not actor.is_partner or not actor.can(Capability.CARE_TEAM_OUTSIDE) or user_pk is None:
        return CareTeamMember.objects.none()
    return (
        CareTeamMember.objects.filter(
            account_id=user_pk,
            kind=MemberKind.EXTERNAL,
            is_active=True,
            account__is_active=True,
            partner_organization__partner_memberships__user_id=user_pk,
            partner_organization__partner_memberships__is_active=True,
            # One join: a consent row exists (a member without any consent would match a bare
            # revoked_at IS NULL through the outer join) and is not revoked.
            consents__given_at__isnull=False,
            consents__revoked_at__isnull=True,
        )
        .select_related("child", "practice", "partner_organization")
        .order_by("child__legal_family_name", "child__legal_given_name", "pk")
    )


def access_outside_member(actor: Actor, member_id: UUID | str) -> CareTeamMember:
    try:
        return outside_members(actor).get(pk=member_id)
    except (CareTeamMember.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing


@dataclass(frozen=True)
class OutsideView:
    """What an outside member reads of one child: the shared care plan and the items the
    consent names, nothing else. With a caregiver's consent, never the adolescent's own items
    (docs/clinical-rules.md#adolescent-confidentiality) nor what rests on another caregiver's
    own screen; never a safety (partner-violence) item, whoever consented
    (docs/clinical-rules.md#safety-referrals)."""

    member: CareTeamMember
    consent: OutsideConsent
    child: Child
    plan: CarePlan | None
    goals: list[Goal] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    team: list[CareTeamMember] = field(default_factory=list)
    visits: list[Visit] | None = None
    immunizations: list[Immunization] | None = None

    @property
    def items(self) -> list[Any]:
        return [OutsideItem(item) for item in self.consent.shared_items if item in OutsideItem]


def _outside_actions(plan: CarePlan, consent: OutsideConsent) -> list[PlanAction]:
    if not consent.given_by_adolescent:
        return family_visible_actions(plan, caregiver=consent.given_by_caregiver)
    # The adolescent's consent covers their own items too; never a safety one.
    actions = actions_of(plan).exclude(referral__need=Need.SAFETY)
    return [action for action in actions if _shown_to(action, None)]


def outside_plan(member: CareTeamMember) -> CarePlan | None:
    """The plan of the child whose team `member` is on (the caller reached the member through
    access_outside_member)."""
    return CarePlan.objects.filter(practice_id=member.practice_id, child_id=member.child_id).first()


def outside_goals(member: CareTeamMember) -> QuerySet[Goal]:
    """The goals an outside member may write a progress note on: their child's plan's."""
    plan = outside_plan(member)
    return goals_of(plan) if plan is not None else Goal.objects.none()


def outside_view(member: CareTeamMember, consent: OutsideConsent) -> OutsideView:
    child = member.child
    plan = outside_plan(member)
    view = OutsideView(member=member, consent=consent, child=child, plan=plan)
    if plan is not None:
        view.goals.extend(goals_of(plan))
        view.actions.extend(_outside_actions(plan, consent))
    view.team.extend(team_of(child))
    values: dict[str, Any] = {}
    if consent.shares(OutsideItem.VISITS):
        visits = Visit.objects.filter(
            practice_id=member.practice_id, child_id=child.pk, status=VisitStatus.COMPLETED
        )
        if not consent.given_by_adolescent:
            visits = visits.filter(confidential=False)
        values["visits"] = list(visits.order_by("-starts_at")[:OUTSIDE_RECENT_VISITS])
    if consent.shares(OutsideItem.IMMUNIZATIONS):
        values["immunizations"] = list(
            Immunization.objects.filter(
                practice_id=member.practice_id, child_id=child.pk, status="completed"
            ).order_by("-given_on")[:OUTSIDE_IMMUNIZATIONS]
        )
    if values:
        view = OutsideView(**{**view.__dict__, **values})
    return view
