"""Referrals exported by medhome's FHIR export and read back by the EHR bulk import
(referrals.imported): the same referral, state, consent and confidentiality in another
practice, nothing sent, never rewritten.

Here, above every layer the round trip touches (the FHIR export, referrals, the exchange and the
family's reminders), with the referrals tests' cast."""

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.ehr.models import ImportStatus
from medhome.ehr.tests.support import run_import, write_export
from medhome.exchange import sync
from medhome.exchange.models import PartnerEndpoint, RemoteTask
from medhome.fhir.bundles import resource_of
from medhome.fhir.registry import REGISTRY
from medhome.messaging.services.referral_follow_up import plan_referral_follow_ups
from medhome.referrals import services
from medhome.referrals.models import Referral, ReferralMessage
from medhome.referrals.tests import conftest as cast
from medhome.referrals.tests.helpers import consented, draft, sent
from medhome.smart.principal import FhirPrincipal
from medhome.smart.scopes import parse_scopes
from medhome.tasks.models import Task as FollowUpTask
from tests import factories

pytestmark = pytest.mark.django_db
MOMENT = cast.MOMENT
# The referrals tests' cast, as fixtures of this module.
coordinator = cast.coordinator
food_bank = cast.food_bank
food_bank_staff = cast.food_bank_staff
legal_aid = cast.legal_aid
LATER = MOMENT + timedelta(days=2)


def export(practice_actor, *kinds: str) -> dict[str, list[dict[str, Any]]]:
    """Each type's resources as the practice's own FHIR reading renders them (what its Bulk
    Data export writes)."""
    principal = FhirPrincipal(
        actor=practice_actor,
        kind="user",
        client_id="export-test",
        scopes=parse_scopes("system/*.rs"),
    )
    files = {}
    for kind in kinds or ("Patient", "RelatedPerson", "ServiceRequest", "Consent", "Task"):
        resource_type = REGISTRY[kind]
        rows = resource_type.rows(principal)
        if resource_type.prepare is not None:
            rows = resource_type.prepare(rows)
        files[kind] = [resource_of(resource_type, row, principal) for row in rows]
    return files


@pytest.fixture
def clinician_actor(staff_a, practice_a):
    return factories.actor_for(staff_a[Role.PEDIATRICIAN], practice_a, Role.PEDIATRICIAN)


def imported(practice, tmp_path, files, name="x"):
    result = run_import(practice, write_export(tmp_path / name, files))
    assert result.run.status == ImportStatus.DONE
    return result.run.counts


def only(practice) -> Referral:
    return Referral.objects.select_related("consent").get(practice=practice)


FIELDS = (
    "need",
    "priority",
    "reason",
    "source",
    "status",
    "status_reason",
    "requested_at",
    "first_response_at",
    "closed_at",
    "outcome",
    "outcome_note",
    "confidential",
)
CONSENT_FIELDS = (
    "shared_items",
    "notes_to_share",
    "method",
    "given_by_adolescent",
    "given_at",
    "revoked_at",
)


def assert_same(original: Referral, copy_: Referral) -> None:
    original.refresh_from_db()
    for name in FIELDS:
        assert getattr(copy_, name) == getattr(original, name), name
    assert copy_.organization_id == original.organization_id
    assert copy_.imported_at is not None and copy_.created_by is None
    for name in CONSENT_FIELDS:
        assert getattr(copy_.consent, name) == getattr(original.consent, name), name


def test_a_completed_referral_comes_back_identical_and_audited(
    coordinator,
    clinician_actor,
    child_a,
    caregiver_a,
    food_bank,
    food_bank_staff,
    practice_b,
    tmp_path,
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.partner_opened(actor=food_bank_staff, referral=referral, at=MOMENT)
    services.change_status(actor=food_bank_staff, referral=referral, to_status="accepted", at=LATER)
    services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status="completed",
        outcome="need_met",
        outcome_note="Enrolled in the weekly pantry.",
        at=LATER + timedelta(days=3),
    )
    counts = imported(practice_b, tmp_path, export(clinician_actor))
    assert counts["refused"] == {}
    copy_ = only(practice_b)
    assert_same(referral, copy_)
    assert copy_.child.practice_id == practice_b.pk
    assert copy_.consent.given_by_caregiver.family_id == copy_.child.family_id
    audited = AuditEvent.objects.filter(practice=practice_b, object_id=str(copy_.pk))
    assert audited.filter(action="create", object_type="referral").exists()
    assert AuditEvent.objects.filter(
        practice=practice_b, object_type="referral_consent", object_id=str(copy_.consent.pk)
    ).exists()
    # Its path, step by step (test_imported_referral_paths: every field of each event).
    events = list(copy_.events.values_list("from_status", "to_status", "side"))
    assert events == [
        ("", "draft", "practice"),
        ("draft", "requested", "practice"),
        ("requested", "received", "organization"),
        ("received", "accepted", "organization"),
        ("accepted", "completed", "organization"),
    ]


def test_received_comes_back_received_not_requested(
    coordinator,
    clinician_actor,
    child_a,
    caregiver_a,
    food_bank,
    food_bank_staff,
    practice_b,
    tmp_path,
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.partner_opened(actor=food_bank_staff, referral=referral, at=LATER)
    imported(practice_b, tmp_path, export(clinician_actor))
    assert only(practice_b).status == "received"
    assert_same(referral, only(practice_b))


def test_nothing_is_sent_for_an_imported_open_referral(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path, monkeypatch
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    PartnerEndpoint.objects.create(
        organization=food_bank, base_url="https://fhir.food.example", token_env="T"
    )
    pushed: list = []
    monkeypatch.setattr(sync, "push", lambda remote, now: pushed.append(remote.referral_id))
    counts = imported(practice_b, tmp_path, export(clinician_actor))
    assert counts["refused"] == {}
    copy_ = only(practice_b)
    assert copy_.status == "requested"
    assert not ReferralMessage.objects.filter(referral=copy_).exists()
    assert not RemoteTask.objects.filter(referral=copy_).exists()
    sync.send_pending(now=MOMENT + timedelta(days=30))
    assert not RemoteTask.objects.filter(referral=copy_).exists()
    assert copy_.pk not in pushed
    services.sweep_follow_ups(now=MOMENT + timedelta(days=30), practice=practice_b)
    assert not FollowUpTask.objects.filter(source_id=str(copy_.pk)).exists()
    planned = plan_referral_follow_ups(practice=practice_b, at=MOMENT + timedelta(days=10))
    assert planned.created == 0


def test_a_safety_referral_and_an_adolescents_own_keep_their_flags(
    coordinator, clinician_actor, practice_a, legal_aid, practice_b, tmp_path
):
    _family, teen, mother = factories.register(
        practice_a,
        family_name="Teen family",
        child=factories.child_values(
            legal_given_name="Ada", legal_family_name="Teen", date_of_birth=date(2011, 2, 3)
        ),
        caregiver=factories.caregiver_values(given_name="Mara", family_name="Teen"),
    )
    own = draft(coordinator, teen, legal_aid, need="mental_health")
    services.record_consent(
        actor=coordinator,
        referral=own,
        adolescent=True,
        shared_items=["need", "name"],
        method="verbal",
        at=MOMENT,
    )
    services.send(actor=coordinator, referral=own, at=MOMENT)
    safety = consented(
        coordinator, draft(coordinator, teen, legal_aid, need="safety"), mother, items=("need",)
    )
    counts = imported(practice_b, tmp_path, export(clinician_actor))
    assert counts["refused"] == {}
    copies = {r.need: r for r in Referral.objects.filter(practice=practice_b)}
    assert (
        copies["mental_health"].confidential and copies["mental_health"].consent.given_by_adolescent
    )
    assert copies["mental_health"].status == "requested"
    assert_same(own, copies["mental_health"])
    assert copies["safety"].is_safety and copies["safety"].status == "draft"
    assert_same(safety, copies["safety"])
    assert not Referral.objects.filter(practice=practice_b).shareable_with_family().exists()


def test_unchanged_lines_cost_nothing_and_a_moved_task_is_applied(
    coordinator,
    clinician_actor,
    child_a,
    caregiver_a,
    food_bank,
    food_bank_staff,
    practice_b,
    tmp_path,
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    imported(practice_b, tmp_path, export(clinician_actor), name="first")
    again = imported(practice_b, tmp_path, export(clinician_actor), name="again")
    assert again["imported"] == 0 and again["refused"] == {}
    services.change_status(actor=food_bank_staff, referral=referral, to_status="accepted", at=LATER)
    moved = imported(practice_b, tmp_path, export(clinician_actor), name="moved")
    assert moved["refused"] == {} and moved["updated"] == 1
    copy_ = only(practice_b)
    assert copy_.status == "accepted"
    assert copy_.first_response_at == LATER


def test_a_changed_service_request_or_consent_is_refused(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor)
    imported(practice_b, tmp_path, files, name="first")
    changed = copy.deepcopy(files)
    changed["ServiceRequest"][0]["note"] = [{"text": "Another reason."}]
    changed["Consent"][0]["provision"]["code"] = changed["Consent"][0]["provision"]["code"][:1]
    counts = imported(practice_b, tmp_path, changed, name="changed")
    assert counts["refused"] == {"referral_changed": 2}
    assert only(practice_b).reason == "Food runs out before the end of the month."


def test_a_revoked_consent_is_applied_and_the_task_follows(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    imported(practice_b, tmp_path, export(clinician_actor), name="first")
    services.revoke_consent(actor=coordinator, referral=referral, reason="Moved away.", at=LATER)
    counts = imported(practice_b, tmp_path, export(clinician_actor), name="revoked")
    assert counts["refused"] == {}
    copy_ = only(practice_b)
    assert copy_.status == "cancelled" and not copy_.consent.is_active
    assert copy_.consent.revoked_at == LATER


def test_a_task_that_goes_back_is_refused(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor)
    imported(practice_b, tmp_path, files, name="first")
    # Another system's Task (no path): its state does not follow from the state here.
    task = files["Task"][0]
    task["status"] = "draft"
    for name in ("contained", "relevantHistory"):
        del task[name]
    counts = imported(practice_b, tmp_path, {"Task": files["Task"]}, name="back")
    assert counts["refused"] == {"transition_refused": 1}


def test_a_task_without_its_service_request_is_refused(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor, "Patient", "RelatedPerson", "Consent", "Task")
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"no_referral": 2}
    assert not Referral.objects.filter(practice=practice_b).exists()


def test_a_sent_referral_without_its_consent_is_refused(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor, "Patient", "RelatedPerson", "ServiceRequest", "Task")
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"no_consent": 1}
    assert only(practice_b).status == "draft"


def test_an_unknown_organization_is_refused(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor)
    for resource in files["ServiceRequest"]:
        resource["performer"] = [
            {"reference": "Organization/0b4e7f0e-0000-4000-8000-000000000000", "display": "Nobody"}
        ]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"organization_unknown": 1, "no_referral": 2}
    assert not Referral.objects.filter(practice=practice_b).exists()


def test_an_organization_is_found_by_its_one_name(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor)
    for kind in ("ServiceRequest", "Consent", "Task"):
        for resource in files[kind]:
            field = {"ServiceRequest": "performer", "Consent": "organization"}.get(kind)
            if field:
                resource[field] = [
                    {
                        "reference": "Organization/elsewhere",
                        "display": " eastie community FOOD bank ",
                    }
                ]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {}
    assert only(practice_b).organization_id == food_bank.pk


def test_another_practices_child_is_refused(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    sent(coordinator, child_a, caregiver_a, food_bank)
    files = export(clinician_actor, "ServiceRequest", "Consent", "Task")
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"unknown_patient": 1, "no_referral": 2}


def test_the_practices_own_referral_is_never_touched(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_a, tmp_path
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    counts = imported(practice_a, tmp_path, export(clinician_actor))
    assert counts["refused"] == {}
    assert counts["skipped"]["native_referral"] == 3
    assert Referral.objects.filter(practice=practice_a).get() == referral
