from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan import selectors, services
from medhome.careplan.models import (
    CareTeamMember,
    ExternalRole,
    GoalStatus,
    MemberKind,
    PlanChange,
)
from medhome.careplan.services import family as family_services
from medhome.portal import links
from medhome.portal.models import Purpose
from tests import factories
from tests.factories import actor_for

from .conftest import MOMENT

LATER = MOMENT + timedelta(hours=1)


def test_a_new_plan_starts_at_version_one_with_its_history(plan_a):
    assert plan_a.version == 1
    (change,) = selectors.plan_history(plan_a)
    assert (change.version, change.object_type, change.operation) == (1, "careplan", "create")


def test_every_change_is_versioned_with_who_when_and_what(coordinator, plan_a, staff_a):
    plan = services.update_plan(
        actor=coordinator,
        plan=plan_a,
        version=1,
        family_priorities="Que Sofía hable más",
        review_on=date(2026, 6, 1),
        at=LATER,
    )
    assert plan.version == 2
    change = selectors.plan_history(plan).first()
    assert change.version == 2
    assert change.at == LATER
    assert change.actor_label == "Priya Ramanathan"
    assert change.side == "team"
    assert {entry["field"]: (entry["old"], entry["new"]) for entry in change.changes} == {
        "family_priorities": ("", "Que Sofía hable más"),
        "review_on": ("", "2026-06-01"),
    }
    goal = services.add_goal(actor=coordinator, plan=plan, text="Walk to the park", at=LATER)
    services.update_goal(
        actor=coordinator, goal=goal, version=1, status=GoalStatus.IN_PROGRESS, at=LATER
    )
    services.add_progress_note(actor=coordinator, goal=goal, text="Went twice", at=LATER)
    history = list(selectors.plan_history(plan))
    assert [change.version for change in history] == [5, 4, 3, 2, 1]
    assert history[1].changes == [{"field": "status", "old": "not_started", "new": "in_progress"}]
    plan.refresh_from_db()
    assert plan.version == 5


def test_audit_names_fields_never_values(coordinator, plan_a):
    services.update_plan(
        actor=coordinator,
        plan=plan_a,
        version=1,
        family_strengths="Abuela vive con nosotros",
        at=LATER,
    )
    event = AuditEvent.objects.filter(object_type="careplan.careplan").latest("sequence")
    assert event.detail["fields"] == ["family_strengths"]
    assert "Abuela" not in str(event.detail)


def test_stale_edit_is_refused_with_a_clear_message(coordinator, plan_a):
    services.update_plan(actor=coordinator, plan=plan_a, version=1, family_priorities="A", at=LATER)
    with pytest.raises(services.StaleEdit) as stale:
        services.update_plan(
            actor=coordinator, plan=plan_a, version=1, family_priorities="B", at=LATER
        )
    assert "Someone else changed this plan" in stale.value.messages[0]
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="Sleep", at=LATER)
    services.update_goal(actor=coordinator, goal=goal, version=1, text="Nap", at=LATER)
    with pytest.raises(services.StaleEdit):
        services.update_goal(actor=coordinator, goal=goal, version=1, text="Naps", at=LATER)


def test_one_lead_coordinator_per_child(coordinator, plan_a, staff_a):
    first = services.add_team_member(
        actor=coordinator,
        plan=plan_a,
        kind=MemberKind.STAFF,
        user=staff_a[Role.CARE_COORDINATOR],
        role_label="Care coordinator",
        is_lead_coordinator=True,
        at=MOMENT,
    )
    second = services.add_team_member(
        actor=coordinator,
        plan=plan_a,
        kind=MemberKind.STAFF,
        user=staff_a[Role.COMMUNITY_HEALTH_WORKER],
        role_label="CHW",
        is_lead_coordinator=True,
        at=LATER,
    )
    first.refresh_from_db()
    assert not first.is_lead_coordinator
    assert second.is_lead_coordinator
    leads = CareTeamMember.objects.filter(child=plan_a.child, is_lead_coordinator=True)
    assert list(leads) == [second]
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMember.objects.filter(pk=first.pk).update(is_lead_coordinator=True)


def test_team_members_of_every_kind(coordinator, plan_a, caregiver_a, clinician_b):
    external = services.add_team_member(
        actor=coordinator,
        plan=plan_a,
        kind=MemberKind.EXTERNAL,
        name="Dana Ortiz",
        organization="Early Intervention North",
        external_role=ExternalRole.EARLY_INTERVENTION,
        phone="617-555-0100",
        at=MOMENT,
    )
    parent = services.add_team_member(
        actor=coordinator,
        plan=plan_a,
        kind=MemberKind.CAREGIVER,
        caregiver=caregiver_a,
        at=MOMENT,
    )
    team = list(selectors.team_of(plan_a.child))
    assert team == [parent, external]
    assert [m.display_name for m in team] == ["Marisol García", "Dana Ortiz"]
    assert team[0].contact_phone == "+16175550142"
    # A staff member of another practice, an external member without a name: refused.
    with pytest.raises(ValidationError):
        services.add_team_member(
            actor=coordinator,
            plan=plan_a,
            kind=MemberKind.STAFF,
            user=clinician_b,
            at=MOMENT,
        )
    with pytest.raises(ValidationError):
        services.add_team_member(
            actor=coordinator, plan=plan_a, kind=MemberKind.EXTERNAL, at=MOMENT
        )
    with pytest.raises(ValidationError):
        services.add_team_member(
            actor=coordinator,
            plan=plan_a,
            kind=MemberKind.EXTERNAL,
            name="X",
            is_lead_coordinator=True,
            at=MOMENT,
        )


def test_actions_link_only_the_same_childs_referrals_and_screenings(
    coordinator, plan_a, child_a, caregiver_a, clinician_a, child_b, caregiver_b, clinician_b
):
    org = factories.organization("Eastie Food Bank")
    own_referral = factories.sent_referral(child_a, caregiver_a, clinician_a, org)
    own_screening = factories.screening_with_alert(child_a, caregiver_a, clinician_a)[
        "administration"
    ]
    other_referral = factories.sent_referral(child_b, caregiver_b, clinician_b, org)
    sibling = factories.add_child(child_a.family, legal_given_name="Mateo", mrn="SG-100235")
    sibling_screening = factories.screening_with_alert(sibling, caregiver_a, clinician_a)[
        "administration"
    ]
    action = services.add_action(
        actor=coordinator,
        plan=plan_a,
        text="Call the food bank",
        referral=own_referral,
        screening=own_screening,
        due_on=date(2026, 3, 11),
        at=LATER,
    )
    assert action.referral == own_referral and action.screening == own_screening
    with pytest.raises(ValidationError) as refused:
        services.add_action(
            actor=coordinator,
            plan=plan_a,
            text="x",
            referral=other_referral,
            at=LATER,
        )
    assert "referral" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.add_action(
            actor=coordinator,
            plan=plan_a,
            text="x",
            screening=sibling_screening,
            at=LATER,
        )
    assert "screening" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.update_action(
            actor=coordinator,
            action=action,
            version=1,
            referral=other_referral,
            at=LATER,
        )
    assert list(selectors.linkable_referrals(plan_a)) == [own_referral]


def test_b_plan_is_never_reachable_from_an_actor_of_a(
    coordinator, clinician_b_actor, plan_a, plan_b, child_b
):
    assert selectors.plan_of_child(coordinator, child_b) is None
    with pytest.raises(Http404):
        selectors.access_plan(coordinator, plan_b.pk)
    goal_b = services.add_goal(actor=clinician_b_actor, plan=plan_b, text="B's goal", at=MOMENT)
    with pytest.raises(Http404):
        selectors.access_goal(coordinator, goal_b.pk)
    for call in (
        lambda: services.update_plan(
            actor=coordinator, plan=plan_b, version=1, family_priorities="x", at=LATER
        ),
        lambda: services.add_goal(actor=coordinator, plan=plan_b, text="x", at=LATER),
        lambda: services.update_goal(actor=coordinator, goal=goal_b, version=1, text="x", at=LATER),
        lambda: services.add_progress_note(actor=coordinator, goal=goal_b, text="x", at=LATER),
        lambda: services.add_action(actor=coordinator, plan=plan_b, text="x", at=LATER),
        lambda: services.ensure_plan(actor=coordinator, child=child_b, at=LATER),
    ):
        with pytest.raises(Http404):
            call()
    plan_b.refresh_from_db()
    assert plan_b.version == 2  # only B's own goal


def test_roles_without_plan_edit_are_refused(staff_a, practice_a, plan_a):
    front_desk = actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        services.add_goal(actor=front_desk, plan=plan_a, text="x", at=LATER)


# --- The family's part --------------------------------------------------------------------


def test_family_adds_and_updates_their_own_goal(family_link, plan_a):
    link, _token = family_link
    goal = services.family_add_goal(link=link, text="Leer un cuento cada noche", at=LATER)
    assert goal.created_by_family and goal.owner_caregiver == link.caregiver
    services.family_update_own_goal(
        link=link, goal=goal, version=1, status=GoalStatus.IN_PROGRESS, at=LATER
    )
    services.family_add_note(link=link, goal=goal, text="Ya leemos tres noches", at=LATER)
    changes = list(selectors.plan_history(plan_a))[:3]
    assert [c.side for c in changes] == ["family"] * 3
    assert changes[0].actor_label == "Marisol García"


def test_family_may_change_a_team_goal_a_caregiver_owns(coordinator, family_link, plan_a):
    link, _token = family_link
    goal = services.add_goal(
        actor=coordinator,
        plan=plan_a,
        text="Apply for WIC",
        owner_caregiver=link.caregiver,
        at=LATER,
    )
    services.family_update_own_goal(
        link=link, goal=goal, version=1, status=GoalStatus.MET, at=LATER
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.MET


def test_family_cannot_change_the_teams_clinical_items(
    coordinator, family_link, plan_a, staff_a, monkeypatch
):
    link, _token = family_link
    languages = []
    real_override = family_services.translation.override

    def spy(language, *args, **kwargs):
        languages.append(language)
        return real_override(language, *args, **kwargs)

    monkeypatch.setattr(family_services.translation, "override", spy)
    nurse = services.add_team_member(
        actor=coordinator,
        plan=plan_a,
        kind=MemberKind.STAFF,
        user=staff_a[Role.NURSE],
        role_label="Nurse",
        at=MOMENT,
    )
    staff_goal = services.add_goal(
        actor=coordinator,
        plan=plan_a,
        text="Asthma action plan",
        owner_member=nurse,
        at=LATER,
    )
    unowned_goal = services.add_goal(actor=coordinator, plan=plan_a, text="Hearing test", at=LATER)
    action = services.add_action(actor=coordinator, plan=plan_a, text="Order labs", at=LATER)
    version_before = plan_a.__class__.objects.get(pk=plan_a.pk).version
    for item in (staff_goal, unowned_goal, action):
        with pytest.raises(services.FamilyEditRefused) as refused:
            services.family_update_own_goal(
                link=link, goal=item, version=1, text="changed", at=LATER
            )
        # Marisol reads Spanish: the message is written in her language.
        assert str(refused.value)
        assert languages.pop() == "es"
        with pytest.raises(services.FamilyEditRefused):
            services.family_add_note(link=link, goal=item, text="nota", at=LATER)
    staff_goal.refresh_from_db()
    assert staff_goal.text == "Asthma action plan"
    assert plan_a.__class__.objects.get(pk=plan_a.pk).version == version_before


def test_family_refused_message_in_english_for_english_readers(coordinator, plan_a, family_a):
    english = factories.add_caregiver(
        family_a,
        given_name="Luis",
        phone="+16175550143",
        preferred_language="en",
        is_primary_contact=False,
    )
    link, _token = links.issue_link(
        actor=coordinator,
        purpose=Purpose.CARE_PLAN,
        child=plan_a.child,
        caregiver=english,
        at=MOMENT,
    )
    goal = services.add_goal(actor=coordinator, plan=plan_a, text="Labs", at=LATER)
    with pytest.raises(services.FamilyEditRefused) as refused:
        services.family_add_note(link=link, goal=goal, text="x", at=LATER)
    assert "belongs to your care team" in str(refused.value)


def test_family_cannot_reach_another_plans_goal(family_link, clinician_b_actor, plan_b):
    link, _token = family_link
    goal_b = services.add_goal(actor=clinician_b_actor, plan=plan_b, text="B", at=MOMENT)
    with pytest.raises(Http404):
        services.family_add_note(link=link, goal=goal_b, text="x", at=LATER)


def test_family_stale_edit_refused(family_link):
    link, _token = family_link
    goal = services.family_add_goal(link=link, text="Más paseos", at=LATER)
    services.family_update_own_goal(link=link, goal=goal, version=1, text="Paseos", at=LATER)
    with pytest.raises(services.StaleEdit):
        services.family_update_own_goal(
            link=link, goal=goal, version=1, text="Paseos diarios", at=LATER
        )


def test_plan_change_rows_are_scoped(plan_a, plan_b):
    assert set(PlanChange.objects.for_practice(plan_a.practice)) == set(
        selectors.plan_history(plan_a)
    )


def test_actions_from_confidential_screenings_stay_off_family_pages(
    coordinator, plan_a, child_a, caregiver_a, clinician_a
):
    screening = factories.screening_with_alert(child_a, caregiver_a, clinician_a)["administration"]
    screening.confidential = True
    screening.save(update_fields=["confidential"])
    hidden = services.add_action(
        actor=coordinator,
        plan=plan_a,
        text="Follow up",
        screening=screening,
        at=LATER,
    )
    shown = services.add_action(actor=coordinator, plan=plan_a, text="Labs", at=LATER)
    assert selectors.family_visible_actions(plan_a) == [shown]
    assert hidden in selectors.actions_of(plan_a)
