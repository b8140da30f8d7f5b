"""Factories of a child's care team and shared care plan: the plan with its team, outside members
with the family's consent, and team notes (tests/factories.py holds the people and the rest)."""

from .factories import actor_for


def _editor(user, child):
    """`user` acting in the child's practice with their own role."""
    role = user.memberships.get(practice=child.practice).role
    return actor_for(user, child.practice, role)


def care_plan(child, caregiver, user) -> dict:
    """A plan with a staff team member, a team goal, an action and a family link."""
    from medhome.careplan import services as plans
    from medhome.core import clock
    from medhome.portal import links
    from medhome.portal.models import Purpose

    actor = _editor(user, child)
    now = clock.now()
    plan = plans.ensure_plan(actor=actor, child=child, at=now)
    member = plans.add_team_member(
        actor=actor,
        plan=plan,
        kind="staff",
        role_label="Pediatrician",
        user=user,
        at=now,
    )
    goal = plans.add_goal(actor=actor, plan=plan, text="Sleep through the night", at=now)
    action = plans.add_action(actor=actor, plan=plan, text="Call the sleep clinic", at=now)
    link, _token = links.issue_link(
        actor=actor, purpose=Purpose.CARE_PLAN, child=child, caregiver=caregiver, at=now
    )
    outside = plans.add_team_member(
        actor=actor,
        plan=plan,
        kind="external",
        name="Early Intervention",
        external_role="early_intervention",
        at=now,
    )
    return {
        "plan": plan,
        "member": member,
        "outside_member": outside,
        "goal": goal,
        "action": action,
        "plan_link": link,
    }


def outside_member(
    child,
    user,
    organization_,
    *,
    email: str = "outside@example.org",
    name: str = "Nadia Fairweather",
    consent_by=None,
    shared_items: tuple[str, ...] = (),
):
    """An outside member invited onto the child's team by `user` (a care-plan editor), with the
    caregiver `consent_by`'s consent to share `shared_items` when given: (member, login)."""
    from medhome.careplan import services as plans
    from medhome.core import clock

    actor = _editor(user, child)
    now = clock.now()
    plan = plans.ensure_plan(actor=actor, child=child, at=now)
    member, _created = plans.invite_outside_member(
        actor=actor,
        plan=plan,
        name=name,
        external_role="early_intervention",
        email=email,
        organization=organization_,
        at=now,
    )
    if consent_by is not None:
        plans.record_outside_consent(
            actor=actor,
            member=member,
            caregiver=consent_by,
            shared_items=list(shared_items),
            method="verbal",
            at=now,
        )
    return member, member.account


def team_note(child, author, body: str = "Called the family about the visit."):
    """A team note on the child's chart (medhome.notes), written by `author`."""
    from medhome.core import clock
    from medhome.notes.models import TeamNote

    return TeamNote.objects.create(
        practice=child.practice, child=child, author=author, body=body, created_at=clock.now()
    )


def break_glass_grant(child, user):
    """A break-glass grant of `user` to `child` (medhome.breakglass), open for the next hour."""
    from datetime import timedelta

    from medhome.breakglass.models import BreakGlassGrant
    from medhome.core import clock

    now = clock.now()
    return BreakGlassGrant.objects.create(
        practice=child.practice,
        child=child,
        user=user,
        role=user.memberships.get(practice=child.practice).role,
        reason_category="urgent_care",
        reason_text="The family is at the desk and the child is unwell",
        started_at=now,
        expires_at=now + timedelta(hours=1),
    )
