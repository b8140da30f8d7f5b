"""Goal, CarePlan and CareTeam: valid R4B, every status mapping, each search parameter, the
adolescent's own and partner-violence actions only where the chart shows them, another
practice's plan never, partners none, a page in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.careplan import CarePlan as FhirCarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.goal import Goal as FhirGoal

from medhome.accounts.roles import Capability, Role, capabilities_of
from medhome.careplan import services as plans
from medhome.careplan.fhir_codes import ACTIVITY_STATUS, LIFECYCLE_STATUS
from medhome.careplan.models import ActionStatus, CareTeamMember, GoalStatus, PlanAction
from medhome.core.actor import Actor
from medhome.practices.models import Membership
from medhome.referrals import services as referrals
from tests import care_factories, factories

from .care_support import ids, one, page, partner, search, staff, system

pytestmark = pytest.mark.django_db

SAFETY_TEXT = "Safety planning call"
CONFIDENTIAL_TEXT = "Adolescent clinic follow-up"


@pytest.fixture
def plan_a(child_a, caregiver_a, clinician_a, practice_a):
    made = care_factories.care_plan(child_a, caregiver_a, clinician_a)
    plan = made["plan"]
    actor = Actor(
        user=clinician_a,
        practice=practice_a,
        role=Role.PEDIATRICIAN,
        capabilities=capabilities_of(Role.PEDIATRICIAN),
    )
    now = timezone.now()
    plans.update_plan(
        actor=actor,
        plan=plan,
        version=plan.version,
        family_priorities="<b>Sleep</b> & school",
        family_strengths="Grandma helps",
        at=now,
    )
    family_goal = plans.add_goal(
        actor=actor,
        plan=plan,
        text="Read together every night",
        owner_caregiver=caregiver_a,
        target_on=date(2026, 6, 1),
        at=now,
    )
    family_goal.created_by_family = True
    family_goal.status = GoalStatus.MET
    family_goal.save(update_fields=["created_by_family", "status"])
    plans.add_team_member(actor=actor, plan=plan, kind="caregiver", caregiver=caregiver_a, at=now)
    safety = referrals.start_referral(
        actor=actor,
        child=child_a,
        need="safety",
        organization=factories.organization("Harbor Safe Homes"),
        priority="routine",
        reason="Safety",
        at=now,
    )

    def action(text: str, **values):
        return PlanAction.objects.create(
            practice=practice_a, plan=plan, text=text, created_at=now, updated_at=now, **values
        )

    made.update(
        family_goal=family_goal,
        confidential=action(CONFIDENTIAL_TEXT, confidential=True),
        safety=action(SAFETY_TEXT, referral=safety),
        done=action("Book the dentist", status=ActionStatus.DONE, goal=made["goal"]),
    )
    plan.refresh_from_db()
    return made


@pytest.fixture
def plan_b(child_b, caregiver_b, clinician_b):
    return care_factories.care_plan(child_b, caregiver_b, clinician_b)


def _texts(resource: dict) -> list[str]:
    return [a["detail"]["description"] for a in resource.get("activity", [])]


def test_careplan_is_valid_us_core_with_escaped_narrative(plan_a, plan_b, clinician_a, practice_a):
    principal = staff(clinician_a, practice_a)
    resources, queries = page("CarePlan", principal)
    assert queries == 3  # the plans, their goals, their actions
    assert [r["id"] for r in resources] == [str(plan_a["plan"].pk)]
    resource = resources[0]
    FhirCarePlan.model_validate(resource)
    assert (resource["status"], resource["intent"]) == ("active", "plan")
    assert resource["category"][0]["coding"][0]["code"] == "assess-plan"
    assert resource["careTeam"] == [{"reference": f"CareTeam/{plan_a['plan'].child_id}"}]
    assert {g["reference"] for g in resource["goal"]} == {
        f"Goal/{plan_a['goal'].pk}",
        f"Goal/{plan_a['family_goal'].pk}",
    }
    div = resource["text"]["div"]
    assert "&lt;b&gt;Sleep&lt;/b&gt; &amp; school" in div and "<b>" not in div
    assert resource["text"]["status"] == "generated"
    done = next(a for a in resource["activity"] if a["detail"]["description"] == "Book the dentist")
    assert done["detail"]["status"] == "completed"
    assert done["detail"]["goal"] == [{"reference": f"Goal/{plan_a['goal'].pk}"}]


@pytest.mark.parametrize("status", list(ActionStatus))
def test_every_action_status_maps(plan_a, clinician_a, practice_a, status):
    PlanAction.objects.filter(pk=plan_a["action"].pk).update(status=status)
    resource = one("CarePlan", staff(clinician_a, practice_a), plan_a["plan"].pk)
    FhirCarePlan.model_validate(resource)
    activity = next(
        a for a in resource["activity"] if a["detail"]["description"] == "Call the sleep clinic"
    )
    assert activity["detail"]["status"] == ACTIVITY_STATUS[status]


def test_confidential_and_safety_actions_only_where_the_chart_shows_them(
    plan_a, clinician_a, practice_a, staff_a
):
    clinician = one("CarePlan", staff(clinician_a, practice_a), plan_a["plan"].pk)
    assert {CONFIDENTIAL_TEXT, SAFETY_TEXT} <= set(_texts(clinician))
    front_desk = staff(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)
    resource = one("CarePlan", front_desk, plan_a["plan"].pk)
    assert CONFIDENTIAL_TEXT not in _texts(resource)
    assert CONFIDENTIAL_TEXT not in resource["text"]["div"]
    assert SAFETY_TEXT in _texts(resource)  # shown on the chart to the practice's staff
    backend = system(practice_a, capabilities_of(Role.PEDIATRICIAN))
    exported = one("CarePlan", backend, plan_a["plan"].pk)
    assert CONFIDENTIAL_TEXT in _texts(exported)
    assert SAFETY_TEXT not in _texts(exported)
    assert SAFETY_TEXT not in exported["text"]["div"]
    plain = system(practice_a, frozenset({Capability.CHART_READ}))
    assert set(_texts(one("CarePlan", plain, plan_a["plan"].pk))) == {
        "Call the sleep clinic",
        "Book the dentist",
    }


def test_careplan_search_and_include(plan_a, plan_b, clinician_a, practice_a, child_b):
    p = staff(clinician_a, practice_a)
    mine = {str(plan_a["plan"].pk)}
    assert ids("CarePlan", p, ("patient", str(plan_a["plan"].child_id))) == mine
    assert ids("CarePlan", p, ("patient", str(child_b.pk))) == set()
    assert ids("CarePlan", p, ("category", "assess-plan")) == mine
    assert (
        ids(
            "CarePlan",
            p,
            ("category", "http://hl7.org/fhir/us/core/CodeSystem/careplan-category|assess-plan"),
        )
        == mine
    )
    assert ids("CarePlan", p, ("category", "http://other|assess-plan")) == set()
    assert ids("CarePlan", p, ("category", "encounter")) == set()
    assert ids("CarePlan", p, ("status", "active")) == mine
    assert ids("CarePlan", p, ("status", "completed")) == set()
    assert ids("CarePlan", p, ("status:not", "active")) == set()
    from medhome.fhir.registry import REGISTRY

    include = REGISTRY["CarePlan"].includes["CarePlan:goal"]
    goals = include.related(REGISTRY["Goal"].rows(p), search("CarePlan", p))
    assert {str(g.pk) for g in goals} == {str(plan_a["goal"].pk), str(plan_a["family_goal"].pk)}


def test_goal_mapping_every_status_and_search(plan_a, plan_b, clinician_a, practice_a, caregiver_a):
    p = staff(clinician_a, practice_a)
    resources, queries = page("Goal", p)
    assert queries == 2  # the goals, their notes
    for resource in resources:
        FhirGoal.model_validate(resource)
    by_id = {r["id"]: r for r in resources}
    assert set(by_id) == {str(plan_a["goal"].pk), str(plan_a["family_goal"].pk)}
    family = by_id[str(plan_a["family_goal"].pk)]
    assert family["lifecycleStatus"] == "completed"
    assert family["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert family["description"] == {"text": "Read together every night"}
    assert family["target"] == [{"dueDate": "2026-06-01"}]
    assert family["expressedBy"]["reference"] == f"RelatedPerson/{caregiver_a.pk}"
    team = by_id[str(plan_a["goal"].pk)]
    assert team["expressedBy"] == {"display": "Care team"}
    assert team["lifecycleStatus"] == "planned"
    goal = plan_a["goal"]
    for status in GoalStatus:
        goal.status = status
        goal.save(update_fields=["status"])
        resource = one("Goal", p, goal.pk)
        FhirGoal.model_validate(resource)
        assert resource["lifecycleStatus"] == LIFECYCLE_STATUS[status]
        also_met = {str(plan_a["family_goal"].pk)} if status == GoalStatus.MET else set()
        assert (
            ids("Goal", p, ("lifecycle-status", LIFECYCLE_STATUS[status]))
            == {str(goal.pk)} | also_met
        )
    assert ids("Goal", p, ("lifecycle-status", "completed")) == {str(plan_a["family_goal"].pk)}
    assert ids("Goal", p, ("lifecycle-status", "on-hold")) == set()
    assert ids("Goal", p, ("target-date", "2026-06")) == {str(plan_a["family_goal"].pk)}
    assert ids("Goal", p, ("target-date", "gt2026-06-01")) == set()
    assert ids("Goal", p, ("patient", str(plan_a["plan"].child_id))) == set(by_id)
    assert ids("Goal", p, ("patient", str(plan_b["plan"].child_id))) == set()


def test_careteam_one_per_child_with_every_kind_of_member(
    plan_a, plan_b, clinician_a, practice_a, caregiver_a, child_a, child_b
):
    p = staff(clinician_a, practice_a)
    resources, queries = page("CareTeam", p)
    assert queries == 2  # the children, their members
    assert [r["id"] for r in resources] == [str(child_a.pk)]
    team = resources[0]
    CareTeam.model_validate(team)
    membership = Membership.objects.get(user=clinician_a, practice=practice_a)
    members = {
        p["member"].get("reference", p["member"]["display"]): p["role"][0]
        for p in team["participant"]
    }
    assert set(members) == {
        f"Practitioner/{membership.pk}",
        f"RelatedPerson/{caregiver_a.pk}",
        "Early Intervention",
    }
    staff_role = members[f"Practitioner/{membership.pk}"]
    assert staff_role["text"] == "Pediatrician"
    assert staff_role["coding"][0] == {
        "system": "urn:medhome:care-team-role",
        "code": "staff",
        "display": "Practice staff",
    }
    outside = members["Early Intervention"]
    assert [c["code"] for c in outside["coding"]] == ["external", "early_intervention"]
    assert team["status"] == "active"
    assert ids("CareTeam", p, ("patient", str(child_a.pk))) == {str(child_a.pk)}
    assert ids("CareTeam", p, ("patient", str(child_b.pk))) == set()
    assert ids("CareTeam", p, ("status", "active")) == {str(child_a.pk)}
    assert ids("CareTeam", p, ("status", "inactive")) == set()


def test_partners_and_roles_without_the_chart_get_nothing(plan_a, practice_a, staff_a):
    organization = factories.organization("Eastside Early Intervention")
    outside = partner(None, organization)
    analyst = staff(staff_a[Role.NETWORK_ANALYST], practice_a, Role.NETWORK_ANALYST)
    for type_name in ("CarePlan", "Goal", "CareTeam"):
        assert ids(type_name, outside) == set()
        assert ids(type_name, analyst) == set()


def test_an_outside_members_phone_and_email_travel_in_a_contained_practitioner(
    plan_a, clinician_a, practice_a, child_a
):
    outside = plan_a["outside_member"]
    CareTeamMember.objects.filter(pk=outside.pk).update(
        phone="617-555-0199", email="ei@example.org", organization="Eastside EI"
    )
    resources, queries = page("CareTeam", staff(clinician_a, practice_a))
    assert queries == 2  # the contacts are the members' own columns
    (team,) = resources
    CareTeam.model_validate(team)
    (contained,) = team["contained"]
    assert contained == {
        "resourceType": "Practitioner",
        "id": str(outside.pk),
        "name": [{"text": "Early Intervention"}],
        "telecom": [
            {"system": "phone", "value": "617-555-0199"},
            {"system": "email", "value": "ei@example.org"},
        ],
    }
    referring = [p["member"] for p in team["participant"] if "display" in p["member"]]
    assert {"reference": f"#{outside.pk}", "display": "Early Intervention (Eastside EI)"} in (
        referring
    )
    # A member without a phone or e-mail is as before: no contained resource.
    CareTeamMember.objects.filter(pk=outside.pk).update(phone="", email="")
    assert "contained" not in one("CareTeam", staff(clinician_a, practice_a), child_a.pk)


def test_an_actions_owner_is_its_performer_only_where_the_action_is_served(
    plan_a, clinician_a, practice_a, caregiver_a, staff_a
):
    owned = {
        "Call the sleep clinic": {"owner_member": plan_a["member"]},
        "Book the dentist": {"owner_caregiver": caregiver_a},
        CONFIDENTIAL_TEXT: {"owner_member": plan_a["outside_member"]},
    }
    for text, owner in owned.items():
        PlanAction.objects.filter(plan=plan_a["plan"], text=text).update(**owner)
    resources, queries = page("CarePlan", staff(clinician_a, practice_a))
    assert queries == 4  # the plans, goals, actions, and the members who own actions
    (resource,) = resources
    FhirCarePlan.model_validate(resource)
    performers = {
        a["detail"]["description"]: a["detail"].get("performer") for a in resource["activity"]
    }
    membership = Membership.objects.get(user=clinician_a, practice=practice_a)
    assert performers["Call the sleep clinic"] == [
        {"reference": f"Practitioner/{membership.pk}", "display": clinician_a.get_full_name()}
    ]
    assert performers["Book the dentist"] == [
        {"reference": f"RelatedPerson/{caregiver_a.pk}", "display": str(caregiver_a)}
    ]
    assert performers[CONFIDENTIAL_TEXT] == [{"display": "Early Intervention"}]
    assert performers[SAFETY_TEXT] is None  # nobody owns it
    # Who does the adolescent's own action goes no further than the action.
    front_desk = staff(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)
    served = one("CarePlan", front_desk, plan_a["plan"].pk)
    assert CONFIDENTIAL_TEXT not in _texts(served)
    assert "Early Intervention" not in str(served["activity"])


def test_a_goals_progress_notes_are_its_annotations_with_their_author(
    plan_a, clinician_a, practice_a, caregiver_a, staff_a
):
    goal = plan_a["goal"]
    actor = Actor(
        user=clinician_a,
        practice=practice_a,
        role=Role.PEDIATRICIAN,
        capabilities=capabilities_of(Role.PEDIATRICIAN),
    )
    written = timezone.now().replace(microsecond=0)
    times = []

    def note(text: str, **author):
        given = plans.NoteAuthor(**author) if author else None
        at = written + timedelta(minutes=len(times))
        times.append(timezone.localtime(at).isoformat(timespec="seconds"))
        return plans.add_progress_note(
            actor=actor, goal=goal, text=text, author=given, written_at=at, at=written
        )

    note("Sleeping better")  # the staff member writing it
    note("Bedtime at 8", caregiver=caregiver_a)
    note("Seen at home", outside_member=plan_a["outside_member"])
    note("From the old chart", name="Dr. Former (Elsewhere)")
    note("Nobody signed this", name="")
    membership = Membership.objects.get(user=clinician_a, practice=practice_a)
    resources, queries = page("Goal", staff(clinician_a, practice_a))
    assert queries == 2
    resource = next(r for r in resources if r["id"] == str(goal.pk))
    FhirGoal.model_validate(resource)
    assert resource["note"] == [
        {
            "authorReference": {
                "reference": f"Practitioner/{membership.pk}",
                "display": clinician_a.get_full_name(),
            },
            "time": times[0],
            "text": "Sleeping better",
        },
        {
            "authorReference": {
                "reference": f"RelatedPerson/{caregiver_a.pk}",
                "display": str(caregiver_a),
            },
            "time": times[1],
            "text": "Bedtime at 8",
        },
        {
            "authorString": "Early Intervention (Early intervention coordinator)",
            "time": times[2],
            "text": "Seen at home",
        },
        {"authorString": "Dr. Former (Elsewhere)", "time": times[3], "text": "From the old chart"},
        {"time": times[4], "text": "Nobody signed this"},
    ]
    # A note changes the goal served: it is last updated at its latest note, and found so.
    assert resource["meta"]["lastUpdated"] == times[4]
    from medhome.fhir.registry import REGISTRY

    goals = REGISTRY["Goal"]
    since = {f"{goals.updated_field}__gt": written + timedelta(minutes=3)}  # as an export _since
    assert goal in goals.rows(staff(clinician_a, practice_a)).filter(**since)
    # Whoever reads the goal on the plan's pages reads its notes: so here.
    front_desk = staff(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)
    assert len(one("Goal", front_desk, goal.pk)["note"]) == 5
    # A goal without notes has none.
    assert "note" not in one("Goal", front_desk, plan_a["family_goal"].pk)
