"""merge_children: every table that points at a child moves to the survivor (checked against
Child's relations, so a table added later is not forgotten), across practices it is refused,
it is audited with both ids, and a later message carrying the retired MRN finds the survivor."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.ehr import models as ehr
from medhome.ehr.merge import child_relations, merge_children
from medhome.events import services as events
from medhome.events.models import Sender
from medhome.families.models import MRN_SYSTEM, Child, ChildIdentifier, Family, PanelMembership
from medhome.periodicity.models import RowCompletion
from medhome.visits.models import FamilyAgenda
from tests import care_factories, factories, groupcare_factories, program_factories

AT = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)


@pytest.fixture
def editor(practice_a, staff_a):
    return factories.actor_for(staff_a[Role.CARE_COORDINATOR], practice_a, Role.CARE_COORDINATOR)


def ehr_records(child, tag):
    common = {"practice": child.practice, "child": child, "content_hash": "x", "imported_at": AT}
    ehr.Coverage.objects.create(
        **common,
        source_key=f"cov-{tag}",
        payer="medicaid",
        member_id="M1",
        starts_on=date(2025, 1, 1),
    )
    ehr.Coverage.objects.create(**common, source_key=f"cov2-{tag}", payer="chip", member_id=tag)
    ehr.Observation.objects.create(
        **common,
        source_key=f"obs-{tag}",
        kind="weight",
        code="29463-7",
        effective_on=date(2025, 1, 1),
    )
    ehr.Immunization.objects.create(
        **common, source_key=f"imm-{tag}", cvx="08", given_on=date(2024, 1, 1)
    )
    ehr.Procedure.objects.create(
        **common,
        source_key=f"pro-{tag}",
        code_system="cpt",
        code="99188",
        performed_on=date(2025, 1, 1),
    )
    ehr.Condition.objects.create(
        **common, source_key=f"con-{tag}", code_system="icd", code="J45", display="Asthma"
    )
    ehr.Allergy.objects.create(**common, source_key=f"all-{tag}", display="Peanut")
    ehr.Medication.objects.create(**common, source_key=f"med-{tag}", display="Albuterol")


def smart_contexts(child, user, tag):
    """A SMART app's token, launch and authorization code bound to the child (issue 20)."""
    from datetime import timedelta

    from oauth2_provider.models import Grant

    from medhome.smart.models import GrantContext, LaunchContext
    from tests.fhir_support import issue_token, smart_client

    client = smart_client(practice=child.practice, name=f"App {tag}")
    issue_token(
        scope="patient/*.rs", practice=child.practice, user=user, patient=child, client=client
    )
    LaunchContext.objects.create(
        id=f"launch-{tag}",
        client=client,
        user=user,
        practice=child.practice,
        patient=child,
        created_at=AT,
        expires_at=AT + timedelta(minutes=5),
    )
    grant = Grant.objects.create(
        user=user,
        application=client.application,
        code=f"code-{tag}",
        expires=AT + timedelta(minutes=1),
        redirect_uri="http://127.0.0.1:9999/callback",
        scope="patient/*.rs",
    )
    GrantContext.objects.create(grant=grant, practice=child.practice, patient=child)


def full_history(child, caregiver, user, tag, opened):
    """A row in every table that points at a child."""
    ChildIdentifier.objects.create(
        practice=child.practice, child=child, system="urn:test", value=tag, created_at=AT
    )
    # The test sets the spans itself (factories put a child on the panel from birth).
    PanelMembership.objects.filter(child=child).delete()
    PanelMembership.objects.create(
        practice=child.practice,
        child=child,
        starts_on=date(2023, 6, 1),
        ends_on=date(2023, 12, 31),
        end_reason="moved",
        created_at=AT,
    )
    PanelMembership.objects.create(
        practice=child.practice, child=child, starts_on=opened, created_at=AT
    )
    factories.schedule_visit(child, at="2026-03-20T09:00:00+00:00")
    RowCompletion.objects.create(
        practice=child.practice,
        child=child,
        row="hearing",
        done_on=date(2025, 1, 1),
        source="elsewhere",
        schedule_version="2024-06",
        recorded_at=AT,
    )
    factories.screening_with_alert(child, caregiver, user)
    factories.sent_referral(child, caregiver, user, factories.organization(f"Pantry {tag}"))
    factories.care_event(child, user)  # also a transition task
    care_factories.care_plan(child, caregiver, user)  # plan, team member, goal, action, family link
    factories.sent_message(child, caregiver, tag)
    ehr_records(child, tag)
    care_factories.team_note(child, user)
    care_factories.break_glass_grant(child, user)
    smart_contexts(child, user, tag)
    FamilyAgenda.objects.create(
        practice=child.practice,
        child=child,
        caregiver=caregiver,
        link_id=uuid.uuid4(),
        text=f"Sleep {tag}",
        written_at=AT,
    )
    # Apps above ehr that point at a child or a household, by name (ehr sits below them). Each
    # twin in its own program: one open enrolment per program and child.
    contact = program_factories.program_rows(child, user, "chw" if tag == "a" else "vip")["contact"]
    apps.get_model("programs", "ConcreteSupport").objects.create(
        practice=child.practice, contact=contact, child=child, support="wic", noted_on=opened
    )
    if tag == "d":  # one twin in a group: one open group membership per child
        groupcare_factories.groupcare_rows(child, user)
    review = apps.get_model("casereview", "CaseReview").objects.create(
        practice=child.practice,
        family=child.family,
        held_on=opened,
        recorded_by=user,
        recorded_at=AT,
    )
    apps.get_model("casereview", "Decision").objects.create(
        review=review,
        position=1,
        text=f"Call the family {tag}",
        child=child,
        assignee_role=Role.CARE_COORDINATOR,
        due_on=opened,
        task_id=uuid.uuid4(),
    )
    # The family experience survey: an invitation about a visit and its one response.
    visit = factories.schedule_visit(child, at="2026-02-02T09:00:00+00:00")
    invitation = apps.get_model("experience", "Invitation").objects.create(
        practice=child.practice,
        visit=visit,
        child=child,
        caregiver=caregiver,
        survey_key="medhome_visit",
        created_at=AT,
    )
    apps.get_model("experience", "Response").objects.create(
        practice=child.practice,
        invitation=invitation,
        survey_key="medhome_visit",
        child=child,
        visit=visit,
        language="es",
        entered_by="family",
        answered_on=opened,
        created_at=AT,
    )


@pytest.fixture
def twins(family_a, child_a, caregiver_a, clinician_a):
    """Practice A's child and a duplicate record of her in another household."""
    family = Family.objects.create(practice=family_a.practice, name="Dup", created_at=AT)
    duplicate = factories.add_child(family_a, mrn="DUP-77", preferred_name="Sofi")
    Child.objects.filter(pk=duplicate.pk).update(family=family)
    duplicate.refresh_from_db()
    full_history(child_a, caregiver_a, clinician_a, "a", date(2025, 1, 1))
    other_caregiver = factories.add_caregiver(family, given_name="Marisol", phone="+16175550199")
    full_history(duplicate, other_caregiver, clinician_a, "d", date(2024, 6, 1))
    return child_a, duplicate


def counts(child):
    return {
        relation.related_model._meta.label: relation.related_model._default_manager.filter(
            **{relation.field.name: child}
        ).count()
        for relation in child_relations()
    }


def test_every_table_that_points_at_a_child_moves(twins, editor):
    survivor, retired = twins
    before_survivor, before_retired = counts(survivor), counts(retired)
    unfilled = [label for label, n in before_retired.items() if n == 0]
    # A new table pointing at Child must get a row in full_history(): merging must move it.
    assert unfilled == [], unfilled
    merge_children(actor=editor, survivor=survivor, retired=retired, at=AT)
    assert not Child.objects.filter(pk=retired.pk).exists()
    after = counts(survivor)
    folded = {  # rows that collapse by rule instead of doubling
        "ehr.Coverage": 1,  # the identical Medicaid coverage
        "families.PanelMembership": 1,  # one open span
        "careplan.CarePlan": 1,  # one plan, the other's items joined it
    }
    for label, n in before_retired.items():
        expected = before_survivor[label] + n - folded.get(label, 0)
        if label == "families.ChildIdentifier":
            expected += 1  # the retired MRN, kept under the practice MRN system
        assert after[label] == expected, label


def test_merge_keeps_survivor_mrn_and_retires_the_other(twins, editor):
    survivor, retired = twins
    merge_children(actor=editor, survivor=survivor, retired=retired, at=AT)
    survivor.refresh_from_db()
    assert survivor.mrn == "SG-100234"
    assert survivor.preferred_name == "Sofi"  # empty on the survivor, kept from the duplicate
    ids = ChildIdentifier.objects.filter(child=survivor)
    assert ids.get(system=MRN_SYSTEM, value="DUP-77").retired
    assert ids.get(system="urn:test", value="d").retired
    assert not ids.get(system="urn:test", value="a").retired
    membership = PanelMembership.objects.get(child=survivor, ends_on__isnull=True)
    assert membership.starts_on == date(2024, 6, 1)  # the earlier of the two open spans
    # careplan sits above ehr: reached through the app registry, not an import.
    plan = apps.get_model("careplan", "CarePlan").objects.get(child=survivor)
    assert plan.goals.count() == 2 and plan.actions.count() == 2
    versions = list(plan.changes.values_list("version", flat=True))
    assert len(versions) == len(set(versions))
    assert not Family.objects.filter(name="Dup").exists()  # the empty household folded


def test_merge_is_audited_with_both_ids_and_no_phi(twins, editor):
    survivor, retired = twins
    merge_children(actor=editor, survivor=survivor, retired=retired, at=AT)
    entry = AuditEvent.objects.get(
        object_type="child", object_id=str(survivor.pk), detail__merged_from=str(retired.pk)
    )
    assert "DUP-77" not in str(entry.detail) and "Sofi" not in str(entry.detail)
    assert AuditEvent.objects.filter(
        object_id=str(retired.pk), detail__merged_into=str(survivor.pk)
    ).exists()


def test_merge_across_practices_or_with_itself_is_refused(child_a, child_b, editor):
    with pytest.raises(ValidationError):
        merge_children(actor=editor, survivor=child_a, retired=child_b, at=AT)
    with pytest.raises(ValidationError):
        merge_children(actor=editor, survivor=child_a, retired=child_a, at=AT)
    assert Child.objects.filter(pk=child_b.pk).exists()


def test_a_hospital_message_with_the_retired_mrn_finds_the_survivor(twins, editor):
    survivor, retired = twins
    merge_children(actor=editor, survivor=survivor, retired=retired, at=AT)
    raw = "\r".join(
        [
            "MSH|^~\\&|EPIC|MERCY|MEDHOME|PEDS|20260313083000||ADT^A04^ADT_A01|H1|P|2.5.1",
            "EVN|A04|20260313083000",
            "PID|1||DUP-77^^^MERCY^MR||Zed^Nobody||20200101|F",
            "PV1|1|E|ED^^^MERCY" + "|" * 16 + "V9",
        ]
    )
    _ack, message = events.receive_hl7(
        practice=survivor.practice, raw=raw, at=AT, sender=Sender.HOSPITAL
    )
    assert message.event.child == survivor


def test_relations_are_found_generically():
    labels = {r.related_model._meta.label for r in child_relations()}
    assert {"ehr.Coverage", "events.CareEvent", "careplan.CarePlan"} <= labels
    assert all(isinstance(r, models.ForeignObjectRel) for r in child_relations())


def test_two_open_enrolments_in_one_program_refuse_the_merge(twins, editor, clinician_a):
    survivor, retired = twins
    program_factories.program_rows(retired, clinician_a, "chw")  # the survivor is in it too

    with pytest.raises(ValidationError, match="close one of them, then merge"):
        merge_children(actor=editor, survivor=survivor, retired=retired, at=AT)

    assert Child.objects.filter(pk=retired.pk).exists()
