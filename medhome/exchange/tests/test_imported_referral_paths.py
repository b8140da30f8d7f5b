"""A referral's path, its warm hand-off and its HSDS service through medhome's export and the
EHR bulk import (referrals.imported, referrals.imported_path;
docs/clinical-rules.md#imported-referrals): the events come back one by one, marked imported,
only along a path the state table allows and that ends at the Task's state.

The export and import helpers are test_imported_referrals'."""

import uuid
from datetime import timedelta
from typing import Any

import pytest

from medhome.directory.models import PracticePartner
from medhome.ehr.models import ImportProblem
from medhome.portal.links import family_actor
from medhome.portal.models import FamilyLink
from medhome.referrals import services
from medhome.referrals.fhir_codes import STATUS_SYSTEM, TASK_STATUS_SYSTEM
from medhome.referrals.imported import imported_label
from medhome.referrals.models import Referral
from medhome.referrals.services import family_answers
from medhome.referrals.tests import conftest as cast
from medhome.referrals.tests.helpers import consented, draft, sent

from . import test_imported_referrals as base
from .test_imported_referrals import export, imported, only

pytestmark = pytest.mark.django_db
MOMENT = cast.MOMENT
coordinator = cast.coordinator
food_bank = cast.food_bank
food_bank_staff = cast.food_bank_staff
pantry_service = cast.pantry_service
clinician_actor = base.clinician_actor
MARK = " · Imported from another system"


def at(days: float) -> Any:
    return MOMENT + timedelta(days=days)


def events_of(referral: Referral, *, marked: bool = False) -> list[tuple[Any, ...]]:
    """Each event's path fields; `marked`: the labels without the import's mark (which each
    must carry)."""
    found = []
    for e in referral.events.order_by("at", "version"):
        label = e.actor_label
        if marked:
            assert label.endswith(MARK) or label == imported_label(), label
            label = label.removesuffix(MARK)
        found.append(
            (e.from_status, e.to_status, e.at, label, e.side, e.reason, e.family_answer, e.version)
        )
    return found


@pytest.fixture
def path_referral(coordinator, child_a, caregiver_a, food_bank, food_bank_staff, pantry_service):
    """Sent with its service, opened, accepted, on hold with a reason, the family still
    waiting (an answer that changes nothing), in progress, completed."""
    referral = sent(coordinator, child_a, caregiver_a, food_bank, service=pantry_service)
    services.partner_opened(actor=food_bank_staff, referral=referral, at=at(0.1))
    services.change_status(actor=food_bank_staff, referral=referral, to_status="accepted", at=at(1))
    services.change_status(
        actor=food_bank_staff,
        referral=referral,
        to_status="on_hold",
        reason="Waiting for the family's documents.",
        at=at(2),
    )
    link = FamilyLink(practice=child_a.practice, child=child_a, caregiver=caregiver_a)
    family_answers.record_family_answer(
        actor=family_actor(link),
        child=child_a,
        caregiver=caregiver_a,
        referral_id=referral.pk,
        answer="waiting",
        at=at(3),
    )
    for status, day in (("in_progress", 4), ("completed", 5)):
        services.change_status(
            actor=food_bank_staff,
            referral=referral,
            to_status=status,
            outcome="need_met" if status == "completed" else "",
            at=at(day),
        )
    referral.refresh_from_db()
    return referral


def provenances(files: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return files["Task"][0]["contained"]


def set_status(provenance: dict[str, Any], status: str) -> None:
    provenance["activity"]["coding"] = [
        {"system": TASK_STATUS_SYSTEM, "code": status.replace("_", "-")},
        {"system": STATUS_SYSTEM, "code": status},
    ]


def problems(practice) -> list[str]:
    return list(ImportProblem.objects.filter(practice=practice).values_list("reason", flat=True))


def test_the_path_comes_back_event_by_event_marked_imported(
    path_referral, clinician_actor, practice_b, tmp_path
):
    counts = imported(practice_b, tmp_path, export(clinician_actor))
    assert counts["refused"] == {}, problems(practice_b)
    copy_ = only(practice_b)
    assert copy_.status == "completed" and copy_.outcome == "need_met"
    assert events_of(copy_, marked=True) == events_of(path_referral)
    assert [e[:2] for e in events_of(copy_)] == [
        ("", "draft"),
        ("draft", "requested"),
        ("requested", "received"),
        ("received", "accepted"),
        ("accepted", "on_hold"),
        ("on_hold", "on_hold"),  # the family's answer, no change of state
        ("on_hold", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert [e[4] for e in events_of(copy_)] == ["practice"] * 2 + ["organization"] * 3 + [
        "family"
    ] + ["organization"] * 2
    assert copy_.version == path_referral.version
    assert (copy_.requested_at, copy_.first_response_at, copy_.closed_at) == (
        path_referral.requested_at,
        path_referral.first_response_at,
        path_referral.closed_at,
    )
    assert copy_.service_id == path_referral.service_id


def test_the_same_file_twice_changes_nothing(path_referral, clinician_actor, practice_b, tmp_path):
    files = export(clinician_actor)
    imported(practice_b, tmp_path, files, name="first")
    before = events_of(only(practice_b))
    again = imported(practice_b, tmp_path, files, name="again")
    assert (again["imported"], again["updated"], again["refused"]) == (0, 0, {})
    assert events_of(only(practice_b)) == before


def test_a_longer_path_sent_later_appends_its_new_steps(
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
    services.partner_opened(actor=food_bank_staff, referral=referral, at=at(0.1))
    imported(practice_b, tmp_path, export(clinician_actor), name="first")
    assert len(events_of(only(practice_b))) == 3
    services.change_status(actor=food_bank_staff, referral=referral, to_status="accepted", at=at(1))
    moved = imported(practice_b, tmp_path, export(clinician_actor), name="moved")
    assert moved["refused"] == {} and moved["updated"] == 1
    copy_ = only(practice_b)
    assert events_of(copy_, marked=True) == events_of(referral)
    assert copy_.first_response_at == at(1)


def test_a_longer_path_with_a_step_the_table_refuses_is_refused(
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
    services.change_status(actor=food_bank_staff, referral=referral, to_status="accepted", at=at(1))
    files = export(clinician_actor)
    provenances(files)[-1]["agent"][0]["type"]["coding"][0]["code"] = "family"
    counts = imported(practice_b, tmp_path, {"Task": files["Task"]}, name="moved")
    assert counts["refused"] == {"path_refused": 1}
    assert only(practice_b).status == "requested"


def test_a_path_that_rewrites_what_is_here_is_one_imported_step(
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
    services.change_status(actor=food_bank_staff, referral=referral, to_status="accepted", at=at(1))
    files = export(clinician_actor)
    provenances(files)[1]["recorded"] = at(0.5).isoformat()  # sent at another time
    counts = imported(practice_b, tmp_path, {"Task": files["Task"]}, name="moved")
    assert counts["refused"] == {} and counts["updated"] == 1
    last = events_of(only(practice_b))[-1]
    assert last[:2] == ("requested", "accepted") and last[3:5] == (imported_label(), "system")


def test_a_path_that_begins_at_its_first_change_starts_from_an_implied_draft(
    path_referral, clinician_actor, practice_b, tmp_path
):
    """A system that records no draft sends its path from "sent" on (medhome's synthetic panel
    writes such paths too)."""
    files = export(clinician_actor)
    task = files["Task"][0]
    task["contained"] = task["contained"][1:]
    task["relevantHistory"] = task["relevantHistory"][1:]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {}, problems(practice_b)
    copy_ = only(practice_b)
    assert events_of(copy_, marked=True)[1:] == events_of(path_referral)[1:]
    draft_event, sent_event = events_of(copy_, marked=True)[:2]
    assert draft_event[:2] == ("", "draft") and draft_event[2] == sent_event[2]
    assert copy_.version == path_referral.version


def test_a_path_that_begins_at_an_illegal_first_change_is_refused(
    path_referral, clinician_actor, practice_b, tmp_path
):
    files = export(clinician_actor)
    task = files["Task"][0]
    task["contained"] = task["contained"][2:]  # from "received", never sent
    task["relevantHistory"] = task["relevantHistory"][2:]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"path_refused": 1}
    assert problems(practice_b)[0].startswith("Step 1 of the referral's history is refused:")


def test_an_illegal_path_is_refused_with_its_step(
    path_referral, clinician_actor, practice_b, tmp_path
):
    files = export(clinician_actor)
    set_status(provenances(files)[2], "completed")  # sent, then completed without a decision
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"path_refused": 1}
    (reason,) = problems(practice_b)
    assert reason.startswith("Step 3 of the referral's history is refused:")
    assert "cannot become" in reason
    assert only(practice_b).status == "draft"


def test_a_step_by_a_side_that_may_not_set_it_is_refused(
    path_referral, clinician_actor, practice_b, tmp_path
):
    files = export(clinician_actor)
    provenances(files)[3]["agent"][0]["type"]["coding"][0]["code"] = "family"  # accepted
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"path_refused": 1}
    assert "Step 4" in problems(practice_b)[0]


def test_a_path_that_does_not_end_at_the_tasks_state_is_refused(
    path_referral, clinician_actor, practice_b, tmp_path
):
    files = export(clinician_actor)
    task = files["Task"][0]
    task["contained"] = task["contained"][:-1]
    task["relevantHistory"] = task["relevantHistory"][:-1]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"path_not_at_state": 1}
    (reason,) = problems(practice_b)
    assert "ends at “In progress”" in reason and "“Completed”" in reason


def test_a_path_out_of_order_is_refused(path_referral, clinician_actor, practice_b, tmp_path):
    files = export(clinician_actor)
    provenances(files)[4]["recorded"] = at(-1).isoformat()
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"path_refused": 1}
    assert "dated before" in problems(practice_b)[0]


def test_a_task_without_its_path_is_one_imported_event(
    path_referral, clinician_actor, practice_b, tmp_path
):
    files = export(clinician_actor)
    for name in ("contained", "relevantHistory"):
        del files["Task"][0][name]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {}
    copy_ = only(practice_b)
    assert [(e[0], e[1], e[3], e[4]) for e in events_of(copy_)] == [
        ("", "draft", imported_label(), "system"),
        ("draft", "completed", imported_label(), "system"),
    ]
    # The one imported step is a path medhome reads back too: exported again, it comes back.
    assert copy_.status == "completed"


def test_a_referral_sent_then_revoked_comes_back_cancelled(
    coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    services.revoke_consent(actor=coordinator, referral=referral, reason="Moved away.", at=at(1))
    counts = imported(practice_b, tmp_path, export(clinician_actor))
    assert counts["refused"] == {}, problems(practice_b)
    copy_ = only(practice_b)
    assert copy_.status == "cancelled" and not copy_.consent.is_active
    assert events_of(copy_, marked=True) == events_of(referral)


def test_the_service_is_found_by_id(path_referral, clinician_actor, practice_b, tmp_path):
    files = export(clinician_actor)
    performer = files["ServiceRequest"][0]["performer"]
    assert performer[1]["identifier"]["value"] == str(path_referral.service_id)
    imported(practice_b, tmp_path, files)
    assert only(practice_b).service_id == path_referral.service_id


def test_the_service_is_found_by_its_one_name(path_referral, clinician_actor, practice_b, tmp_path):
    files = export(clinician_actor)
    files["ServiceRequest"][0]["performer"][1] = {
        "type": "HealthcareService",
        "identifier": {"system": "urn:medhome:hsds-service", "value": str(uuid.uuid4())},
        "display": "  weekly FAMILY pantry ",
    }
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {} and "service_unknown" not in counts["skipped"]
    assert only(practice_b).service_id == path_referral.service_id


def test_a_service_not_found_leaves_it_empty_and_is_counted(
    path_referral, clinician_actor, practice_b, tmp_path
):
    files = export(clinician_actor)
    files["ServiceRequest"][0]["performer"][1]["identifier"]["value"] = str(uuid.uuid4())
    files["ServiceRequest"][0]["performer"][1]["display"] = "Winter coats"
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {}
    assert counts["skipped"] == {"service_unknown": 1}
    copy_ = only(practice_b)
    assert copy_.service_id is None and copy_.status == "completed"


@pytest.fixture
def on_site(practice_a, food_bank):
    PracticePartner.objects.create(
        practice=practice_a, organization=food_bank, on_site=True, updated_at=MOMENT
    )


def test_a_warm_handoff_comes_back_with_its_practice_side_acceptance(
    on_site, coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    referral = consented(coordinator, draft(coordinator, child_a, food_bank), caregiver_a)
    referral = services.warm_handoff(actor=coordinator, referral=referral, at=at(1))
    files = export(clinician_actor)
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {}, problems(practice_b)
    copy_ = only(practice_b)
    assert copy_.warm_handoff and copy_.status == "accepted"
    assert events_of(copy_, marked=True) == events_of(referral)


def test_a_practice_side_acceptance_without_a_warm_handoff_is_refused(
    on_site, coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    referral = consented(coordinator, draft(coordinator, child_a, food_bank), caregiver_a)
    services.warm_handoff(actor=coordinator, referral=referral, at=at(1))
    files = export(clinician_actor)
    del files["ServiceRequest"][0]["extension"]
    counts = imported(practice_b, tmp_path, files)
    assert counts["refused"] == {"path_refused": 1}
    assert "Only the organization can mark a referral “Accepted”." in problems(practice_b)[0]


def test_a_warm_handoff_after_the_first_import_is_applied(
    on_site, coordinator, clinician_actor, child_a, caregiver_a, food_bank, practice_b, tmp_path
):
    referral = sent(coordinator, child_a, caregiver_a, food_bank)
    imported(practice_b, tmp_path, export(clinician_actor), name="first")
    services.warm_handoff(actor=coordinator, referral=referral, at=at(1))
    counts = imported(practice_b, tmp_path, export(clinician_actor), name="handed")
    assert counts["refused"] == {}, problems(practice_b)
    assert counts["updated"] == 2  # the ServiceRequest's warm hand-off, the Task's new step
    copy_ = only(practice_b)
    assert copy_.warm_handoff and copy_.status == "accepted"
