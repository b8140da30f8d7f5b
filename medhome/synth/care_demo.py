"""The demo's coordinated-care story, idempotent: one child of each practice with a shared care
plan (a team across settings, the family's priorities in their words, goals and actions), and a
synthetic hospital's admission and discharge (HL7 v2 ADT A01/A03) for the Riverside child, so the
timeline shows it and the care coordinator has the follow-up task. All of it invented."""

from datetime import datetime, timedelta

from medhome.accounts.roles import Role, capabilities_of
from medhome.careplan import services as plans
from medhome.careplan.models import CarePlan
from medhome.core.actor import Actor
from medhome.events.services import receive_hl7
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice


def _actor(practice: Practice, role: str) -> Actor:
    membership = (
        Membership.objects.filter(practice=practice, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    assert membership is not None
    return Actor(
        user=membership.user, practice=practice, role=role, capabilities=capabilities_of(role)
    )


def story_child(practice: Practice) -> Child | None:
    """A young child whose family prefers Spanish, so the family's pages show in Spanish."""
    return (
        Child.objects.filter(practice=practice, family__caregivers__preferred_language="es")
        .order_by("-date_of_birth", "pk")
        .first()
    )


def _adt(event: str, control: str, child: Child, *, start: str, end: str = "") -> str:
    pv1 = ["PV1", "1", "I", "PEDS^^^SYNTH"] + [""] * 15 + ["DEMO-VISIT-1"] + [""] * 24
    pv1 += [start, end]
    return "\r".join(
        [
            "MSH|^~\\&|SYNTHEHR|SYNTHETIC GENERAL|MEDHOME|PEDS|"
            f"{start}||ADT^{event}^ADT_A01|{control}|P|2.5.1",
            f"EVN|{event}|{end or start}",
            f"PID|1||{child.mrn}^^^SYNTH^MR||{child.legal_family_name}^{child.legal_given_name}"
            f"||{child.date_of_birth:%Y%m%d}|U",
            "|".join(pv1),
        ]
    )


def load_demo_care(practice: Practice, *, now: datetime, hospital_stay: bool) -> Child | None:
    child = story_child(practice)
    if child is None or CarePlan.objects.filter(practice=practice, child=child).exists():
        return child
    coordinator = _actor(practice, Role.CARE_COORDINATOR)
    pediatrician = _actor(practice, Role.PEDIATRICIAN)
    plan = plans.ensure_plan(actor=coordinator, child=child, at=now)
    plan = plans.update_plan(
        actor=coordinator,
        plan=plan,
        version=plan.version,
        family_priorities="Que duerma mejor y que podamos pagar la renta este invierno.",
        family_strengths="La abuela nos ayuda todos los días; cocinamos juntos.",
        # Reviewed together in a week: the worker plans the family's review reminder today.
        review_on=(now + timedelta(days=7)).date(),
        at=now,
    )
    plans.add_team_member(
        actor=coordinator,
        plan=plan,
        kind="staff",
        role_label="Care coordinator",
        is_lead_coordinator=True,
        user=coordinator.user,
        at=now,
    )
    plans.add_team_member(
        actor=coordinator,
        plan=plan,
        kind="staff",
        role_label="Pediatrician",
        user=pediatrician.user,
        at=now,
    )
    plans.add_team_member(
        actor=coordinator,
        plan=plan,
        kind="external",
        name="Ana Ruiz (synthetic)",
        organization="Family Visiting Program",
        external_role="home_visitor",
        phone="+14015550190",
        at=now,
    )
    goal = plans.add_goal(
        actor=coordinator,
        plan=plan,
        text="Bedtime routine three nights a week",
        target_on=(now + timedelta(days=60)).date(),
        at=now,
    )
    plans.add_action(
        actor=coordinator,
        plan=plan,
        text="Home visitor brings the sleep routine handout",
        goal=goal,
        at=now,
    )
    if hospital_stay:
        start = (now - timedelta(days=3)).strftime("%Y%m%d%H%M%S")
        end = (now - timedelta(hours=20)).strftime("%Y%m%d%H%M%S")
        for event in ("A01", "A03"):
            receive_hl7(
                practice=practice,
                raw=_adt(
                    event,
                    f"DEMO-{event}-{child.mrn}",
                    child,
                    start=start,
                    end=end if event == "A03" else "",
                ),
                at=now,
            )
    return child


# An Early Intervention coordinator on one story child's team, with the family's consent to share
# the care plan, recent visits and immunizations (docs/clinical-rules.md#outside-care-team).
OUTSIDE_LOGIN = "coordinator@bayside-ei.demo"
OUTSIDE_ORGANIZATION = "Bayside Early Intervention (synthetic)"


def load_demo_outside_member(practice: Practice, *, now: datetime) -> tuple[str, str] | None:
    """Idempotent. (login, organization) of the outside member, or None without a story child."""
    from django.conf import settings

    from medhome.accounts.models import User
    from medhome.directory.models import Organization

    child = story_child(practice)
    plan = CarePlan.objects.filter(practice=practice, child=child).first() if child else None
    if child is None or plan is None:
        return None
    if User.objects.filter(username=OUTSIDE_LOGIN).exists():
        return OUTSIDE_LOGIN, OUTSIDE_ORGANIZATION
    coordinator = _actor(practice, Role.CARE_COORDINATOR)
    organization = Organization.objects.filter(name=OUTSIDE_ORGANIZATION).first()
    member, _created = plans.invite_outside_member(
        actor=coordinator,
        plan=plan,
        name="Lucía Ferrante (synthetic)",
        external_role="early_intervention",
        email=OUTSIDE_LOGIN,
        organization=organization,
        new_organization="" if organization else OUTSIDE_ORGANIZATION,
        at=now,
    )
    assert member.account is not None
    member.account.set_password(settings.MEDHOME_DEMO_PASSWORD)
    member.account.save(update_fields=["password"])
    caregiver = child.family.caregivers.order_by("-is_primary_contact", "pk").first()
    plans.record_outside_consent(
        actor=coordinator,
        member=member,
        caregiver=caregiver,
        shared_items=["visits", "immunizations"],
        method="written",
        at=now,
    )
    return OUTSIDE_LOGIN, OUTSIDE_ORGANIZATION
