"""The shared plan imported from FHIR CareTeam, Goal and CarePlan lines (careplan.imported):
the team merged, goals and the plan written once, the family's words here never overwritten,
an adolescent's own action kept confidential."""

from datetime import date
from typing import Any

import pytest

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan import services
from medhome.careplan.fhir_codes import (
    ACTION_CONFIDENTIAL,
    FAMILY_STRENGTHS,
    LEAD,
    REVIEW_ON,
    ROLE_SYSTEM,
)
from medhome.careplan.models import (
    ActionStatus,
    CarePlan,
    CareTeamMember,
    Goal,
    GoalStatus,
    MemberKind,
    PlanAction,
    PlanChange,
)
from medhome.careplan.services.common import IMPORTED_LABEL
from medhome.ehr.models import ImportStatus
from medhome.ehr.tests.support import AT, patient, run_import, write_export
from medhome.families.models import Caregiver, Child
from tests import factories

pytestmark = pytest.mark.django_db

ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
P1 = {"reference": "Patient/p1"}


def mother(rid: str = "rp1", pid: str = "p1") -> dict[str, Any]:
    return {
        "resourceType": "RelatedPerson",
        "id": rid,
        "patient": {"reference": f"Patient/{pid}"},
        "relationship": [{"coding": [{"system": ROLE, "code": "MTH"}]}],
        "name": [{"family": f"Family{pid}", "given": ["Mom"]}],
    }


def role(*codes: str, text: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [{"system": ROLE_SYSTEM, "code": c} for c in codes]}
    if text:
        found["text"] = text
    return found


def team(*participants: dict[str, Any], pid: str = "p1") -> dict[str, Any]:
    return {
        "resourceType": "CareTeam",
        "id": f"team-{pid}",
        "status": "active",
        "subject": {"reference": f"Patient/{pid}"},
        "participant": list(participants),
    }


def goal(gid: str, text: str = "Read together every night", **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Goal",
        "id": gid,
        "lifecycleStatus": "active",
        "description": {"text": text},
        "subject": P1,
        "startDate": "2026-03-02",
        **more,
    }


def plan(*activities: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "CarePlan",
        "id": "plan-p1",
        "status": "active",
        "intent": "plan",
        "subject": P1,
        "description": "Ana's speech",
        "extension": [
            {"url": FAMILY_STRENGTHS, "valueString": "Grandma reads to her"},
            {"url": REVIEW_ON, "valueDate": "2026-09-01"},
        ],
        "activity": list(activities),
        **more,
    }


def activity(text: str, status: str = "not-started", **detail: Any) -> dict[str, Any]:
    return {"detail": {"status": status, "description": text, **detail}}


def load(practice, tmp_path, name="x", **files: list[dict[str, Any]]):
    every = {
        "Patient": [patient("p1", birthDate="2024-01-10"), patient("p2", birthDate="2023-05-05")],
        "RelatedPerson": [mother(), mother("rp2", "p2")],
        **files,
    }
    result = run_import(practice, write_export(tmp_path / name, every))
    assert result.run.status == ImportStatus.DONE
    return result.run


def child(practice) -> Child:
    return Child.objects.get(practice=practice, mrn="MRN-p1")


def test_the_team_goals_and_plan_come_back(practice_a, staff_a, tmp_path):
    coordinator = staff_a[Role.CARE_COORDINATOR]
    membership = coordinator.memberships.get(practice=practice_a)
    run = load(
        practice_a,
        tmp_path,
        CareTeam=[
            team(
                {
                    "role": [role("staff", LEAD[0], text="Coordinator")],
                    "member": {"reference": f"Practitioner/{membership.pk}", "display": "x"},
                },
                {"role": [role("caregiver")], "member": {"reference": "RelatedPerson/rp1"}},
                {
                    "role": [role("external", "home_visitor", text="Nurse home visitor")],
                    "member": {"display": "Pat Lee (Healthy Families)"},
                },
            )
        ],
        Goal=[
            goal(
                "g1",
                expressedBy={"reference": "RelatedPerson/rp1"},
                target=[{"dueDate": "2026-08-01"}],
            ),
            goal("g2", "Ear check", lifecycleStatus="completed"),
        ],
        CarePlan=[
            plan(
                activity(
                    "Library card",
                    goal=[{"reference": "Goal/g1"}],
                    scheduledString="Due 2026-07-01",
                ),
                activity("Speech referral", "completed"),
                {
                    "detail": {"status": "in-progress", "description": "Her own counseling"},
                    "extension": [{"url": ACTION_CONFIDENTIAL, "valueBoolean": True}],
                },
            )
        ],
    )
    assert run.counts["refused"] == {}, list(run.problems.values_list("code", "reason"))
    kid = child(practice_a)
    mom = Caregiver.objects.get(practice=practice_a, given_name="Mom", family_name="Familyp1")
    members = {
        (m.kind, m.user_id, m.caregiver_id, m.name, m.organization, m.external_role, m.role_label)
        for m in CareTeamMember.objects.filter(child=kid)
    }
    assert members == {
        ("staff", coordinator.pk, None, "", "", "", "Coordinator"),
        ("caregiver", None, mom.pk, "", "", "", ""),
        (
            "external",
            None,
            None,
            "Pat Lee",
            "Healthy Families",
            "home_visitor",
            "Nurse home visitor",
        ),
    }
    assert CareTeamMember.objects.get(child=kid, kind="staff").is_lead_coordinator
    the_plan = CarePlan.objects.get(child=kid)
    assert (the_plan.family_priorities, the_plan.family_strengths, the_plan.review_on) == (
        "Ana's speech",
        "Grandma reads to her",
        date(2026, 9, 1),
    )
    reading = Goal.objects.get(plan=the_plan, text="Read together every night")
    assert (
        reading.status,
        reading.target_on,
        reading.owner_caregiver,
        reading.owner_is_family,
    ) == (
        GoalStatus.IN_PROGRESS,
        date(2026, 8, 1),
        mom,
        True,
    )
    assert reading.created_at.date() == date(2026, 3, 2)
    assert Goal.objects.get(plan=the_plan, text="Ear check").status == GoalStatus.MET
    actions = {
        (a.text, a.status, a.goal_id, a.due_on, a.confidential)
        for a in PlanAction.objects.filter(plan=the_plan)
    }
    assert actions == {
        ("Library card", ActionStatus.TO_DO, reading.pk, date(2026, 7, 1), False),
        ("Speech referral", ActionStatus.DONE, None, None, False),
        ("Her own counseling", ActionStatus.IN_PROGRESS, None, None, True),
    }
    # Written through the plan's services: the plan's history and the audit name the import.
    assert PlanChange.objects.filter(plan=the_plan, actor_label=IMPORTED_LABEL).count() >= 7
    audited = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"careplan.careplan", "careplan.goal", "careplan.planaction"} <= audited
    assert "careplan.careteammember" in audited


def test_sent_again_unchanged_nothing_moves_and_changed_is_refused(practice_a, tmp_path):
    files = {"Goal": [goal("g1")], "CarePlan": [plan(activity("Library card"))]}
    load(practice_a, tmp_path, "first", **files)
    again = load(practice_a, tmp_path, "again", **files)
    assert again.counts["refused"] == {} and again.counts["unchanged"] >= 2
    changed = load(
        practice_a,
        tmp_path,
        "changed",
        Goal=[goal("g1", "Read every night")],
        CarePlan=[plan(activity("Library card"), activity("Another"))],
    )
    assert changed.counts["refused"] == {"plan_changed": 2}
    assert list(Goal.objects.values_list("text", flat=True)) == ["Read together every night"]
    assert PlanAction.objects.count() == 1


def test_the_team_is_merged_never_trimmed(practice_a, staff_a, tmp_path):
    load(practice_a, tmp_path, "first", CareTeam=[team()])  # nobody yet: no plan made
    assert not CarePlan.objects.exists()
    kid = child(practice_a)
    coordinator = factories.actor_for(
        staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR
    )
    here = services.add_team_member(
        actor=coordinator,
        plan=services.ensure_plan(actor=coordinator, child=kid, at=AT),
        kind=MemberKind.EXTERNAL,
        name="Dr. Ortiz",
        organization="Children's Hospital",
        at=AT,
    )
    outside = {"role": [role("external")], "member": {"display": "Dr. Ortiz (Children's Hospital)"}}
    visitor = {"role": [role("external")], "member": {"display": "Pat Lee"}}
    run = load(practice_a, tmp_path, "second", CareTeam=[team(outside, visitor)])
    assert run.counts["refused"] == {}
    names = sorted(CareTeamMember.objects.filter(child=kid).values_list("name", flat=True))
    assert names == ["Dr. Ortiz", "Pat Lee"]  # the one already here is not added twice
    assert CareTeamMember.objects.get(name="Dr. Ortiz").pk == here.pk


def test_staff_of_another_practice_stays_on_the_team_as_outside(practice_a, clinician_b, tmp_path):
    other = clinician_b.memberships.get()
    member = {
        "role": [role("staff")],
        "member": {"reference": f"Practitioner/{other.pk}", "display": "Dmitri Volkov"},
    }
    run = load(practice_a, tmp_path, CareTeam=[team(member)])
    assert run.counts["refused"] == {}
    (found,) = CareTeamMember.objects.filter(child=child(practice_a))
    assert (found.kind, found.user_id, found.name, found.external_role) == (
        "external",
        None,
        "Dmitri Volkov",
        "other",
    )


def test_a_staff_member_is_found_here_by_a_unique_name(practice_a, nurse_of_both, tmp_path):
    member = {
        "role": [role("staff")],
        "member": {"reference": "Practitioner/elsewhere", "display": "Ines Duarte"},
    }
    load(practice_a, tmp_path, CareTeam=[team(member)])
    (found,) = CareTeamMember.objects.filter(child=child(practice_a))
    assert (found.kind, found.user_id) == ("staff", nurse_of_both.pk)


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (
            {"Goal": [goal("g1", expressedBy={"reference": "RelatedPerson/rp2"})]},
            "caregiver_not_family",
        ),
        (
            {"Goal": [goal("g1", expressedBy={"reference": "RelatedPerson/nobody"})]},
            "caregiver_unknown",
        ),
        ({"Goal": [goal("g1", subject={"reference": "Patient/nobody"})]}, "unknown_patient"),
        ({"Goal": [goal("g1", startDate="2030-01-01")]}, "future_date"),
        ({"Goal": [goal("g1", startDate="2020-01-01")]}, "before_birth"),
        ({"Goal": [goal("g1", description={})]}, "goal_without_text"),
        ({"CarePlan": [plan(activity("x", goal=[{"reference": "Goal/nope"}]))]}, "goal_unknown"),
        ({"CarePlan": [plan({"detail": {"status": "not-started"}})]}, "action_without_text"),
        (
            {"CarePlan": [plan(activity("x", performer=[{"reference": "RelatedPerson/rp2"}]))]},
            "caregiver_not_family",
        ),
        (
            {
                "Goal": [
                    goal(
                        "g1",
                        note=[{"authorReference": {"reference": "RelatedPerson/rp2"}, "text": "x"}],
                    )
                ]
            },
            "caregiver_not_family",
        ),
        ({"CareTeam": [team({"role": [role("external")], "member": {}})]}, "member_unnamed"),
        (
            {
                "CareTeam": [
                    team(
                        {"role": [role("caregiver")], "member": {"reference": "RelatedPerson/rp2"}}
                    )
                ]
            },
            "caregiver_not_family",
        ),
    ],
)
def test_refusals_keep_nothing_of_the_line(practice_a, tmp_path, files, code):
    run = load(practice_a, tmp_path, **files)
    assert run.counts["refused"] == {code: 1}
    assert not Goal.objects.exists() and not PlanAction.objects.exists()
    assert not CareTeamMember.objects.exists()


def test_a_goal_of_another_childs_plan_is_not_linked(practice_a, tmp_path):
    other = goal("g9", subject={"reference": "Patient/p2"})
    run = load(
        practice_a,
        tmp_path,
        Goal=[other],
        CarePlan=[plan(activity("x", goal=[{"reference": "Goal/g9"}]))],
    )
    assert run.counts["refused"] == {"goal_unknown": 1}
    assert not PlanAction.objects.exists()


def test_the_familys_words_here_are_never_overwritten(practice_a, staff_a, tmp_path):
    load(practice_a, tmp_path, "first")
    kid = child(practice_a)
    coordinator = factories.actor_for(
        staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR
    )
    here = services.ensure_plan(actor=coordinator, child=kid, at=AT)
    services.update_plan(
        actor=coordinator, plan=here, version=None, family_priorities="Our own words", at=AT
    )
    load(practice_a, tmp_path, "second", CarePlan=[plan()])
    here.refresh_from_db()
    assert (here.family_priorities, here.family_strengths) == (
        "Our own words",
        "Grandma reads to her",
    )


def test_entered_in_error_is_read_and_not_kept(practice_a, tmp_path):
    run = load(
        practice_a,
        tmp_path,
        Goal=[goal("g1", lifecycleStatus="entered-in-error")],
        CarePlan=[plan(activity("gone", "entered-in-error"), status="active")],
    )
    assert run.counts["skipped"]["entered_in_error"] == 1
    assert run.counts["skipped"]["plan_activity_status"] == 1
    assert not Goal.objects.exists() and not PlanAction.objects.exists()


def test_another_practices_child_is_not_reached(practice_a, practice_b, child_b, tmp_path):
    sent = goal("g1", subject={"reference": f"Patient/{child_b.pk}"})
    run = load(practice_a, tmp_path, Goal=[sent])
    assert run.counts["refused"] == {"unknown_patient": 1}
    assert not Goal.objects.exists()


def test_a_line_sent_twice_in_one_file_is_written_once(practice_a, tmp_path):
    """The batch loop applies a line after the earlier lines of its key (ehr.bulk_people
    run_batch): sent again unchanged it is unchanged, changed it is refused, as in two files."""
    run = load(
        practice_a,
        tmp_path,
        Goal=[goal("g1"), goal("g1"), goal("g1", text="Other words")],
        CarePlan=[plan(activity("Speech therapy")), plan(activity("Speech therapy"))],
    )
    assert run.counts["imported"] == 4 + 2  # the children and mothers, then a goal and a plan
    assert run.counts["unchanged"] == 2
    assert run.counts["refused"] == {"plan_changed": 1}
    assert list(Goal.objects.values_list("text", flat=True)) == ["Read together every night"]
    assert PlanAction.objects.count() == 1


def test_an_outside_members_phone_and_email_come_from_the_contained_practitioner(
    practice_a, tmp_path
):
    def contact(cid: str, *telecom: tuple[str, str]) -> dict[str, Any]:
        return {
            "resourceType": "Practitioner",
            "id": cid,
            "name": [{"text": cid}],
            "telecom": [{"system": system, "value": value} for system, value in telecom],
        }

    sent = team(
        {"role": [role("external")], "member": {"reference": "#m1", "display": "Pat Lee (HF)"}},
        {"role": [role("external")], "member": {"reference": "#m2", "display": "Dr. Ortiz"}},
        {"role": [role("external")], "member": {"display": "No Contact"}},
    )
    sent["contained"] = [
        contact("m1", ("phone", "617-555-0199"), ("email", "pat@example.org")),
        # Not an e-mail medhome can keep, and a phone longer than the column: left out.
        contact("m2", ("email", "not an email"), ("phone", "1" * 41)),
    ]
    run = load(practice_a, tmp_path, CareTeam=[sent])
    assert run.counts["refused"] == {}
    assert run.counts["skipped"]["member_contact_invalid"] == 2
    found = {
        m.name: (m.organization, m.phone, m.email)
        for m in CareTeamMember.objects.filter(child=child(practice_a))
    }
    assert found == {
        "Pat Lee": ("HF", "617-555-0199", "pat@example.org"),
        "Dr. Ortiz": ("", "", ""),
        "No Contact": ("", "", ""),
    }


def test_an_actions_owner_is_found_on_the_team_here_or_left_unassigned(
    practice_a, staff_a, tmp_path
):
    coordinator = staff_a[Role.CARE_COORDINATOR]
    membership = coordinator.memberships.get(practice=practice_a)
    staff_ref = {"reference": f"Practitioner/{membership.pk}", "display": "x"}
    visitor_ref = {"display": "Pat Lee (Healthy Families)"}
    run = load(
        practice_a,
        tmp_path,
        CareTeam=[
            team(
                {"role": [role("staff")], "member": staff_ref},
                {"role": [role("external", "home_visitor")], "member": visitor_ref},
            )
        ],
        CarePlan=[
            plan(
                activity("Call the clinic", performer=[staff_ref]),
                activity("Home visit", performer=[visitor_ref]),
                activity("Library card", performer=[{"reference": "RelatedPerson/rp1"}]),
                # Not on the team here / a caregiver this practice does not have: kept, no owner.
                activity("Dentist", performer=[{"display": "Dr. Nobody (Elsewhere)"}]),
                activity("Pharmacy", performer=[{"reference": "RelatedPerson/nobody"}]),
                activity("Unassigned"),
            )
        ],
    )
    assert run.counts["refused"] == {}
    assert run.counts["skipped"]["plan_action_owner_unknown"] == 2
    kid = child(practice_a)
    mom = Caregiver.objects.get(practice=practice_a, given_name="Mom", family_name="Familyp1")
    staff_member = CareTeamMember.objects.get(child=kid, kind=MemberKind.STAFF)
    visitor = CareTeamMember.objects.get(child=kid, name="Pat Lee")
    owners = {
        a.text: (a.owner_member_id, a.owner_caregiver_id)
        for a in PlanAction.objects.filter(plan__child=kid)
    }
    assert owners == {
        "Call the clinic": (staff_member.pk, None),
        "Home visit": (visitor.pk, None),
        "Library card": (None, mom.pk),
        "Dentist": (None, None),
        "Pharmacy": (None, None),
        "Unassigned": (None, None),
    }
    assert staff_member.user_id == coordinator.pk


def test_a_new_goals_progress_notes_come_with_their_time_and_author(practice_a, staff_a, tmp_path):
    coordinator = staff_a[Role.CARE_COORDINATOR]
    membership = coordinator.memberships.get(practice=practice_a)
    visitor = {"role": [role("external", "home_visitor")], "member": {"display": "Pat Lee (HF)"}}
    notes = [
        {
            "authorReference": {"reference": f"Practitioner/{membership.pk}", "display": "x"},
            "time": "2026-04-01T15:30:00Z",
            "text": "Reading most nights",
        },
        {
            "authorReference": {"reference": "RelatedPerson/rp1"},
            "time": "2026-04-02",
            "text": "Mom",
        },
        {"authorString": "Pat Lee (Home visitor, HF)", "time": "2026-04-03", "text": "Visit"},
        # Nobody here: the note is kept, signed with the name the sender gave.
        {
            "authorReference": {"reference": "Practitioner/gone", "display": "Dr. Gone"},
            "time": "2026-04-04",
            "text": "Old chart",
        },
        {
            "authorReference": {"reference": "RelatedPerson/nobody", "display": "Aunt May"},
            "time": "2026-04-05",
            "text": "Aunt",
        },
        {"authorString": "Someone (Elsewhere)", "time": "2026-04-06", "text": "Elsewhere"},
        {"time": "2026-04-07", "text": "Unsigned"},
        {"text": "  "},  # nothing to keep
    ]
    run = load(
        practice_a,
        tmp_path,
        CareTeam=[team(visitor)],
        Goal=[goal("g1", note=notes)],
    )
    assert run.counts["refused"] == {}
    assert run.counts["skipped"]["goal_note_without_text"] == 1
    mom = Caregiver.objects.get(practice=practice_a, given_name="Mom", family_name="Familyp1")
    pat = CareTeamMember.objects.get(name="Pat Lee")
    (the_goal,) = Goal.objects.all()
    found = [
        (
            n.text,
            n.at.isoformat(),
            n.by_user_id,
            n.by_caregiver_id,
            n.by_outside_member_id,
            n.by_label,
        )
        for n in the_goal.notes.order_by("at")
    ]
    noon = "T12:00:00+00:00"
    assert found == [
        (
            "Reading most nights",
            "2026-04-01T15:30:00+00:00",
            coordinator.pk,
            None,
            None,
            coordinator.get_full_name(),
        ),
        ("Mom", f"2026-04-02{noon}", None, mom.pk, None, str(mom)),
        ("Visit", f"2026-04-03{noon}", None, None, pat.pk, "Pat Lee (Home visitor, HF)"),
        ("Old chart", f"2026-04-04{noon}", None, None, None, "Dr. Gone"),
        ("Aunt", f"2026-04-05{noon}", None, None, None, "Aunt May"),
        ("Elsewhere", f"2026-04-06{noon}", None, None, None, "Someone (Elsewhere)"),
        ("Unsigned", f"2026-04-07{noon}", None, None, None, ""),
    ]
    # Through the plan's services: a history row for each, naming the import.
    assert (
        PlanChange.objects.filter(object_type="progressnote", actor_label=IMPORTED_LABEL).count()
        == 7
    )
    assert AuditEvent.objects.filter(object_type="careplan.progressnote").count() == 7
    # A note dated after the import's day refuses the goal, as any date in the future does.
    late = load(
        practice_a,
        tmp_path,
        "late",
        Goal=[goal("g2", note=[{"time": "2030-01-01", "text": "Later"}])],
    )
    assert late.counts["refused"] == {"future_date": 1}
