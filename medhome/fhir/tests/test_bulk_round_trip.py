"""The done-when of issue 20 item 4: a Backend Services client (its token got by a signed
assertion, bulk_support.backend_services_token) exports a practice's panel and the files
re-import through the EHR bulk import (ehr.bulk.import_export, issue 8) into an empty practice
with identical counts and the same key fields. Every exported line is valid R4B.

The source panel is made the way a practice gets one: an EHR export imported (ehr.tests.support
builds it: children, caregivers, appointments and encounters, immunizations, measurements),
plus the cast's registered family (child_a and caregiver_a, made through the pages' services).
The same drill across two real databases is bench/fhir_round_trip.py."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from fhir.resources.R4B import get_fhir_model_class

from medhome.accounts.roles import Capability, Role
from medhome.careplan import services as plans
from medhome.careplan.models import (
    ActionStatus,
    CarePlan,
    CareTeamMember,
    GoalStatus,
    MemberKind,
    PlanAction,
)
from medhome.careplan.models import Goal as PlanGoal
from medhome.directory.models import Organization, PracticePartner, Service
from medhome.ehr.models import Condition, Immunization, ImportStatus
from medhome.ehr.models import Observation as EhrObservation
from medhome.ehr.tests.support import observation, patient, run_import, write_export
from medhome.families.models import Caregiver, Child
from medhome.referrals import services as referrals
from medhome.referrals.models import PartnerMembership, Referral
from medhome.referrals.tests.conftest import partner_actor
from medhome.referrals.tests.helpers import consented, draft, sent
from medhome.screening import services as screening
from medhome.screening.models import Administration, Mode, Status
from medhome.visits.models import Visit
from tests import factories
from tests.factories import make_user

from .bulk_support import backend_services_token, download, export_all
from .support import HVS_AT_RISK

pytestmark = pytest.mark.django_db

BORN = ["2023-02-01", "2021-07-15", "2019-11-30"]
# An AHC HRSN positive for housing (worried about losing the place), food and transportation,
# negative for utilities; its interpersonal-safety items (7–10, all "never") never leave medhome.
AHC_ANSWERS = {
    "1": "LA31994-9",
    "2": "LA9-3",
    "3": "LA6729-3",
    "4": "LA28398-8",
    "5": "LA33-6",
    "6": "LA32-8",
    **{str(n): "LA6270-8" for n in (7, 8, 9, 10)},
}
ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
IMPORTED = " · Imported from another system"  # referrals.imported_path.imported_actor_label


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.MEDHOME_FHIR_EXPORT = {
        **settings.MEDHOME_FHIR_EXPORT,
        "directory": str(tmp_path / "exports"),
    }


def ehr_export(directory: Path) -> Path:
    """Three children, each with a mother, a well visit booked and finished, two shots and two
    measurements (weight, height)."""
    files: dict[str, list[Any]] = {
        "Patient": [],
        "RelatedPerson": [],
        "Appointment": [],
        "Encounter": [],
        "Immunization": [],
        "Observation": [],
    }
    for n, born in enumerate(BORN, start=1):
        pid = f"p{n}"
        ref = {"reference": f"Patient/{pid}"}
        files["Patient"].append(
            patient(
                pid,
                birthDate=born,
                name=[{"use": "official", "family": f"Fam{n}", "given": [f"Kid{n}"]}],
            )
        )
        files["RelatedPerson"].append(
            {
                "resourceType": "RelatedPerson",
                "id": f"rp{n}",
                "patient": ref,
                "relationship": [{"coding": [{"system": ROLE, "code": "MTH"}]}],
                "name": [{"family": f"Fam{n}", "given": [f"Mom{n}"]}],
                "telecom": [{"system": "phone", "value": f"617555010{n}"}],
            }
        )
        start = f"2026-0{n + 1}-10T14:00:00Z"
        files["Appointment"].append(
            {
                "resourceType": "Appointment",
                "id": f"a{n}",
                "status": "fulfilled",
                "serviceType": [{"text": "Well child check"}],
                "start": start,
                "end": f"2026-0{n + 1}-10T14:30:00Z",
                "participant": [{"actor": ref, "status": "accepted"}],
            }
        )
        files["Encounter"].append(
            {
                "resourceType": "Encounter",
                "id": f"e{n}",
                "status": "finished",
                "class": {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "AMB",
                },
                "type": [{"text": "Well child check"}],
                "subject": ref,
                "appointment": [{"reference": f"Appointment/a{n}"}],
                "period": {"start": start, "end": f"2026-0{n + 1}-10T14:30:00Z"},
            }
        )
        for cvx, given in (("08", born), ("20", f"2026-0{n + 1}-10")):
            files["Immunization"].append(
                {
                    "resourceType": "Immunization",
                    "id": f"i{n}-{cvx}",
                    "status": "completed",
                    "vaccineCode": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/sid/cvx",
                                "code": cvx,
                                "display": f"vaccine {cvx}",
                            }
                        ]
                    },
                    "patient": ref,
                    "occurrenceDateTime": given,
                    "primarySource": True,
                }
            )
        files["Observation"].append(
            observation(
                f"w{n}",
                "29463-7",
                10.5 + n,
                "kg",
                subject=ref,
                effectiveDateTime=f"2026-0{n + 1}-10",
            )
        )
        files["Observation"].append(
            observation(
                f"h{n}", "8302-2", 80 + n, "cm", subject=ref, effectiveDateTime=f"2026-0{n + 1}-10"
            )
        )
    return write_export(directory, files)


def snapshot(practice: Any) -> dict[str, Any]:
    """What must survive the round trip, without the ids (they differ by design)."""
    children = Child.objects.filter(practice=practice)
    return {
        "children": sorted(
            (c.mrn, c.legal_given_name, c.legal_family_name, c.date_of_birth, c.sex_at_birth)
            for c in children
        ),
        "caregivers": sorted(
            (c.given_name, c.family_name, c.relationship, c.phone)
            for c in Caregiver.objects.filter(practice=practice)
        ),
        "visits": sorted(
            (v.child.mrn, v.starts_at, v.kind, v.status, v.duration_minutes)
            for v in Visit.objects.filter(practice=practice).select_related("child")
        ),
        "immunizations": sorted(
            (i.child.mrn, i.cvx, i.given_on, i.status)
            for i in Immunization.objects.filter(practice=practice).select_related("child")
        ),
        "observations": sorted(
            (o.child.mrn, o.kind, o.code, o.value, o.unit, o.effective_on)
            for o in EhrObservation.objects.filter(practice=practice).select_related("child")
        ),
        "problems": sorted(
            (c.child.mrn, c.code, c.display)
            for c in Condition.objects.filter(practice=practice).select_related("child")
        ),
        "screens": sorted(
            (
                s.child.mrn,
                s.instrument_key,
                s.instrument_version,
                s.respondent,
                s.caregiver.given_name if s.caregiver else "",
                s.status,
                s.total,
                s.band,
                s.positive,
                tuple(s.positive_domains),
                s.submitted_at,
                s.administered_on,
                s.confidential,
            )
            for s in Administration.objects.filter(practice=practice).select_related(
                "child", "caregiver"
            )
        ),
        **shared_plan(practice),
        "referrals": sorted(
            (
                r.child.mrn,
                r.organization.name,
                r.need,
                r.status,
                r.reason,
                r.requested_at,
                r.confidential,
                tuple(r.consent.shared_items),
                r.consent.method,
                r.consent.given_at,
                caregiver_name(r.consent.given_by_caregiver),
                r.warm_handoff,
                r.service.name if r.service else "",
                path(r),
            )
            for r in Referral.objects.filter(practice=practice).select_related(
                "child", "organization", "service", "consent__given_by_caregiver"
            )
        ),
    }


def path(referral: Any) -> tuple[Any, ...]:
    """The referral's events; an imported one's labels without the import's mark (each has
    it)."""
    marked = referral.imported_at is not None
    found = []
    for e in referral.events.order_by("at", "version"):
        assert e.actor_label.endswith(IMPORTED) == marked, e.actor_label
        label = e.actor_label.removesuffix(IMPORTED)
        found.append(
            (e.from_status, e.to_status, e.at, label, e.side, e.reason, e.family_answer, e.version)
        )
    return tuple(found)


def caregiver_name(caregiver: Any) -> str:
    return caregiver.given_name if caregiver is not None else ""


def shared_plan(practice: Any) -> dict[str, Any]:
    """The care team, goals, plan and actions, people by name (their ids differ by design)."""

    return {
        "team": sorted(
            (
                m.child.mrn,
                m.kind,
                m.user.username if m.user else "",
                caregiver_name(m.caregiver),
                m.name,
                m.organization,
                m.external_role,
                m.role_label,
                m.is_lead_coordinator,
                m.phone,
                m.email,
            )
            for m in CareTeamMember.objects.filter(practice=practice).select_related(
                "child", "user", "caregiver"
            )
        ),
        "plans": sorted(
            (p.child.mrn, p.family_priorities, p.family_strengths, p.review_on)
            for p in CarePlan.objects.filter(practice=practice).select_related("child")
        ),
        "goals": sorted(
            (
                g.plan.child.mrn,
                g.text,
                g.status,
                g.target_on,
                caregiver_name(g.owner_caregiver),
                g.owner_is_family,
                g.created_at.date(),
                tuple((n.at, n.text, n.by_label) for n in g.notes.order_by("at")),
            )
            for g in PlanGoal.objects.filter(practice=practice).select_related(
                "plan__child", "owner_caregiver"
            )
        ),
        "actions": sorted(
            (
                a.plan.child.mrn,
                a.text,
                a.status,
                a.goal.text if a.goal else "",
                a.due_on,
                a.confidential,
                a.owner_label,
            )
            for a in PlanAction.objects.filter(practice=practice).select_related(
                "plan__child", "goal", "owner_caregiver", "owner_member__user"
            )
        ),
    }


def write_shared_plan(actor: Any, child: Any, caregiver: Any, nurse: Any, at: datetime) -> None:
    """child_a's team (a nurse who works in both practices, the mother, a home visitor with a
    phone and e-mail), a goal the mother owns, the family's words and three actions, one of
    them done, each owned by one of the team; notes on the goal by the coordinator (no staff of
    the other practice: signed with their name), the nurse, the mother and the home visitor."""
    plan = plans.ensure_plan(actor=actor, child=child, at=at)
    nursing = plans.add_team_member(
        actor=actor,
        plan=plan,
        kind=MemberKind.STAFF,
        user=nurse,
        role_label="Nurse",
        is_lead_coordinator=True,
        at=at,
    )
    mother = plans.add_team_member(
        actor=actor, plan=plan, kind=MemberKind.CAREGIVER, caregiver=caregiver, at=at
    )
    visitor = plans.add_team_member(
        actor=actor,
        plan=plan,
        kind=MemberKind.EXTERNAL,
        name="Pat Lee",
        organization="Healthy Families",
        external_role="home_visitor",
        phone="617-555-0142",
        email="pat.lee@healthyfamilies.example",
        at=at,
    )
    plan = plans.update_plan(
        actor=actor,
        plan=plan,
        version=None,
        family_priorities="Her words first",
        family_strengths="Grandma reads to her",
        review_on=date(2026, 9, 1),
        at=at,
    )
    reading = plans.add_goal(
        actor=actor,
        plan=plan,
        text="Read every night",
        owner_caregiver=caregiver,
        target_on=date(2026, 8, 1),
        status=GoalStatus.IN_PROGRESS,
        at=at,
    )
    plans.add_action(
        actor=actor,
        plan=plan,
        text="Library card",
        goal=reading,
        due_on=date(2026, 7, 1),
        owner_member=mother,  # a caregiver on the team: comes back as the caregiver, same name
        at=at,
    )
    plans.add_action(
        actor=actor,
        plan=plan,
        text="Hearing check",
        status=ActionStatus.DONE,
        owner_member=nursing,
        at=at,
    )
    plans.add_action(actor=actor, plan=plan, text="Home visit", owner_member=visitor, at=at)
    authors = [
        None,
        plans.NoteAuthor(user=nurse),
        plans.NoteAuthor(caregiver=caregiver),
        plans.NoteAuthor(outside_member=visitor),
    ]
    for n, author in enumerate(authors):
        plans.add_progress_note(
            actor=actor,
            goal=reading,
            text=f"Progress {n}",
            author=author,
            written_at=at - timedelta(days=n),
            at=at,
        )


def test_an_exported_panel_reimports_into_an_empty_practice(
    client, practice_a, practice_b, child_a, caregiver_a, staff_a, nurse_of_both, tmp_path
):
    imported = run_import(practice_a, ehr_export(tmp_path / "ehr"))
    # A positive social-needs screen (HVS, food), keyed in by a pediatrician from the paper
    # form and scored by medhome, answered before the day the import runs on
    # (ehr.tests.support.AT). Its answers come back as a QuestionnaireResponse and become the
    # same screen (screening.imported); its result Observation and the health concern derived
    # from it are not the EHR's record, so the re-import counts them and keeps neither (no
    # problem "Food insecurity").
    clinician = factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)
    answered = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    screen = screening.start_administration(
        actor=clinician,
        child=child_a,
        choice="hvs:caregiver",
        mode=Mode.STAFF_ENTRY,
        caregiver=caregiver_a,
        override_reason="The family asked about food help",
        at=answered,
    )
    screening.save_answers(
        actor=clinician, administration=screen, answers=HVS_AT_RISK, submit=True, at=answered
    )
    # An AHC HRSN the same way. It leaves without its safety items and comes back scored for
    # the domains it carried, its safety domain not determined
    # (docs/clinical-rules.md#imported-screens).
    social = screening.start_administration(
        actor=clinician,
        child=child_a,
        choice="ahc_hrsn:caregiver",
        mode=Mode.STAFF_ENTRY,
        caregiver=caregiver_a,
        override_reason="The family asked about food help",
        at=answered,
    )
    screening.save_answers(
        actor=clinician, administration=social, answers=AHC_ANSWERS, submit=True, at=answered
    )
    coordinator = factories.actor_for(
        staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR
    )
    write_shared_plan(coordinator, child_a, caregiver_a, nurse_of_both, answered)
    # A referral to the network's food bank (the directory is shared), the mother's consent,
    # its HSDS service, opened and accepted by the food bank; a warm hand-off to the on-site
    # legal partner (its path: sent and accepted by the practice at once).
    food_bank = Organization.objects.create(name="Eastie Community Food Bank")
    pantry = Service.objects.create(organization=food_bank, name="Weekly family pantry")
    food = sent(coordinator, child_a, caregiver_a, food_bank, at=answered, service=pantry)
    food_bank_staff = partner_actor(make_user("fb-staff"), food_bank)
    PartnerMembership.objects.create(user=food_bank_staff.user, organization=food_bank)
    referrals.partner_opened(actor=food_bank_staff, referral=food, at=answered + timedelta(hours=1))
    referrals.change_status(
        actor=food_bank_staff, referral=food, to_status="accepted", at=answered + timedelta(days=1)
    )
    legal_aid = Organization.objects.create(name="Harbor Legal Aid")
    PracticePartner.objects.create(
        practice=practice_a, organization=legal_aid, on_site=True, updated_at=answered
    )
    legal = consented(
        coordinator,
        draft(coordinator, child_a, legal_aid, need="legal", at=answered),
        caregiver_a,
        at=answered,
    )
    referrals.warm_handoff(actor=coordinator, referral=legal, at=answered + timedelta(hours=2))
    assert imported.run.status == ImportStatus.DONE
    assert imported.run.counts["refused"] == {}
    source = snapshot(practice_a)
    assert (len(source["team"]), len(source["goals"]), len(source["actions"])) == (3, 1, 3)
    assert len(source["referrals"]) == 2
    assert {(r[-3], r[-2], len(r[-1])) for r in source["referrals"]} == {
        (False, "Weekly family pantry", 4),  # draft, sent, received, accepted
        (True, "", 3),  # draft, sent, accepted by the practice at the warm hand-off
    }
    assert len(source["children"]) == 4  # three from the EHR, child_a from the pages
    assert (len(source["visits"]), len(source["immunizations"])) == (3, 6)
    assert len(source["observations"]) == 6

    admin = factories.actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)
    # A client that copies the practice's record: it reads the screens' answers and the
    # referrals too.
    token = backend_services_token(
        client,
        admin,
        capabilities=(
            Capability.CHART_READ,
            Capability.SCREENING_RESULTS,
            Capability.SCREENING_DETAIL,
            Capability.REFERRAL_SEND,  # the practice's referrals (referrals.selectors.READ)
        ),
    )
    manifest = export_all(client, token, f"/fhir/Group/{practice_a.pk}/$export")
    files = download(client, token, manifest)
    for kind, resources in files.items():
        model = get_fhir_model_class(kind)
        for resource in resources:
            model.model_validate(resource)  # every line valid R4B
    # Tenancy: nothing of practice_b (whose panel is empty until the re-import) and no id
    # that is not practice_a's.
    assert {r["id"] for r in files["Patient"]} == {
        str(pk) for pk in Child.objects.filter(practice=practice_a).values_list("pk", flat=True)
    }

    directory = tmp_path / "downloaded"
    directory.mkdir()
    for kind, resources in files.items():
        (directory / f"{kind}.ndjson").write_bytes(
            b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in resources)
        )
    assert not Child.objects.filter(practice=practice_b).exists()
    again = run_import(practice_b, directory)
    assert again.run.status == ImportStatus.DONE
    assert again.run.counts["refused"] == {}, list(again.run.problems.values_list("file", "reason"))
    # The screens came back from their answers; their results and concerns were counted, not
    # kept.
    assert len(files["QuestionnaireResponse"]) == 2
    assert again.run.counts["skipped"] == {
        "survey": 2,
        "health_concern": len(files["Condition"]),
    }
    assert snapshot(practice_b) == source
    assert all(action[-1] for action in source["actions"])  # every action's owner came back
    (goal,) = source["goals"]
    assert [note[2] for note in goal[-1]] == [  # each note's author came back
        "Pat Lee (Home visitor, Healthy Families)",
        str(caregiver_a),
        nurse_of_both.get_full_name(),
        coordinator.user.get_full_name(),
    ]
    assert date(2023, 2, 1) in {c[3] for c in snapshot(practice_b)["children"]}
    hvs, ahc = sorted(snapshot(practice_b)["screens"], key=lambda screen: screen[1] != "hvs")
    assert hvs[5:9] == (Status.SCORED, None, "positive", True), hvs
    assert ahc[1] == "ahc_hrsn" and ahc[5:10] == (
        Status.SCORED,
        None,
        "positive",
        True,
        ("housing", "food", "transportation"),
    )
    # Its safety was determined where it was asked, and is not determined where it was not.
    original = Administration.objects.get(practice=practice_a, instrument_key="ahc_hrsn")
    back = Administration.objects.get(practice=practice_b, instrument_key="ahc_hrsn")
    assert (original.subscores, original.not_determined_domains) == ({"safety": 4}, None)
    assert (back.subscores, back.not_determined_domains) == ({}, ["safety"])
    assert back.mode == Mode.IMPORTED and not back.alerts.exists()
