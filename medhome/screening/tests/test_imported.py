"""Screens imported from a FHIR QuestionnaireResponse (screening.imported): scored by medhome,
with the critical-answer, confidentiality and schedule rules of a form answered in clinic."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from medhome.audit.models import AuditEvent
from medhome.ehr.models import ImportStatus
from medhome.ehr.tests.support import AT, patient, run_import, write_export
from medhome.families.models import Caregiver
from medhome.instruments import registry
from medhome.instruments.fhir_codes import answer_system, versioned_canonical
from medhome.periodicity.models import RowCompletion
from medhome.screening.models import Administration, CriticalAlert, Mode, Status

pytestmark = pytest.mark.django_db

NONE, SEVERAL, NEARLY = "LA6568-5", "LA6569-3", "LA6571-9"  # PHQ-9 frequency: 0, 1, 3
CALM = {str(n): NONE for n in range(1, 10)}
ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"


def response(rid: str, answers: dict[str, Any], *, key: str = "phq9", **overrides: Any) -> dict:
    instrument = registry.get(key)
    items = []
    for link_id, value in answers.items():
        values = value if isinstance(value, list) else [value]
        items.append(
            {
                "linkId": link_id,
                "answer": [
                    {"valueInteger": v}
                    if isinstance(v, int)
                    else {"valueCoding": {"system": answer_system(instrument, v), "code": v}}
                    for v in values
                ],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": rid,
        "questionnaire": versioned_canonical(key, instrument.version),
        "status": "completed",
        "subject": {"reference": "Patient/p1"},
        "authored": "2026-06-01T15:00:00+00:00",
        "author": {"reference": "RelatedPerson/rp1"},
        "item": items,
    }
    resource.update(overrides)
    return resource


def mother(rid: str = "rp1", pid: str = "p1") -> dict:
    return {
        "resourceType": "RelatedPerson",
        "id": rid,
        "patient": {"reference": f"Patient/{pid}"},
        "relationship": [{"coding": [{"system": ROLE, "code": "NMTH"}]}],
        "name": [{"family": f"Family{pid}", "given": ["Mom"]}],
    }


def import_responses(practice, tmp_path, *responses, born="2026-01-10", name="x", **more):
    files = {
        "Patient": [patient("p1", birthDate=born), patient("p2", birthDate="2025-03-03")],
        "RelatedPerson": [mother(), mother("rp2", "p2")],
        "QuestionnaireResponse": list(responses),
        **more,
    }
    result = run_import(practice, write_export(tmp_path / name, files))
    assert result.run.status == ImportStatus.DONE
    return result.run


def test_a_caregivers_phq9_is_scored_by_medhome_and_completes_its_row(practice_a, tmp_path):
    run = import_responses(practice_a, tmp_path, response("q1", {**CALM, "1": NEARLY, "2": NEARLY}))
    assert run.counts["refused"] == {} and run.counts["imported"] >= 1
    screen = Administration.objects.get(practice=practice_a)
    assert (screen.mode, screen.status, screen.total, screen.band) == (
        Mode.IMPORTED,
        Status.SCORED,
        6,
        "mild",
    )
    assert screen.submitted_at == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    assert screen.administered_on == date(2026, 6, 1)
    assert screen.caregiver == Caregiver.objects.get(
        practice=practice_a, given_name="Mom", family_name="Familyp1"
    )
    assert (screen.respondent, screen.confidential) == ("caregiver", False)
    assert screen.updated_at == AT
    completion = RowCompletion.objects.get(child=screen.child, source_id=screen.pk)
    assert (completion.row, completion.done_on) == ("caregiver_depression", date(2026, 6, 1))
    assert not CriticalAlert.objects.exists()
    event = AuditEvent.objects.get(object_type="screening", object_id=str(screen.pk))
    assert event.detail["mode"] == "imported" and event.detail["child"] == str(screen.child_id)


def test_a_critical_answer_raises_an_alert_from_the_import(practice_a, tmp_path):
    import_responses(practice_a, tmp_path, response("q1", {**CALM, "9": SEVERAL}))
    alert = CriticalAlert.objects.get(practice=practice_a)
    assert (alert.kinds, alert.items, alert.raised_at) == (["self_harm"], ["9"], AT)
    assert alert.administration.status == Status.SCORED


def test_an_adolescents_own_screen_is_confidential(practice_a, tmp_path):
    own = response("q1", CALM, author={"reference": "Patient/p1"})
    import_responses(practice_a, tmp_path, own, born="2010-03-01")
    screen = Administration.objects.get(practice=practice_a)
    assert (screen.respondent, screen.confidential, screen.caregiver) == ("adolescent", True, None)


def test_a_form_missing_required_answers_is_kept_incomplete_and_not_scored(practice_a, tmp_path):
    import_responses(practice_a, tmp_path, response("q1", {"1": NEARLY, "2": NONE}))
    screen = Administration.objects.get(practice=practice_a)
    assert (screen.status, screen.total, screen.positive) == (Status.PARTIAL, None, None)
    assert not RowCompletion.objects.filter(source_id=screen.pk).exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"item": [{"linkId": "total-score", "answer": [{"valueInteger": 5}]}]}, "total_differs"),
        ({"questionnaire": versioned_canonical("phq9", "1999")}, "instrument_version"),
        ({"authored": "2026-07-01T15:00:00+00:00"}, "future_date"),
        ({"authored": "2025-12-01T15:00:00+00:00"}, "before_birth"),
        ({"authored": None}, "no_authored"),
        ({"author": {"reference": "Patient/p2"}}, "author_not_subject"),
        ({"author": {"reference": "Practitioner/d1"}}, "respondent_not_allowed"),
        ({"author": {"reference": "RelatedPerson/rp2"}}, "caregiver_not_family"),
        ({"subject": {"reference": "Patient/nobody"}}, "unknown_patient"),
        ({"status": "unknown"}, "invalid_code"),
    ],
)
def test_a_response_medhome_cannot_keep_is_refused_and_nothing_is_written(
    practice_a, tmp_path, changes, code
):
    resource = response("q1", CALM)
    if "item" in changes:
        changes = {"item": resource["item"] + changes["item"]}
    resource.update(changes)
    resource = {k: v for k, v in resource.items() if v is not None}
    run = import_responses(practice_a, tmp_path, resource)
    assert run.counts["refused"] == {code: 1}
    problem = run.problems.get()
    assert (problem.file, problem.resource_id) == ("QuestionnaireResponse.ndjson", "q1")
    assert "Mom" not in problem.reason and "Family" not in problem.reason
    assert not Administration.objects.exists()
    assert not CriticalAlert.objects.exists()


def test_an_answer_that_is_not_one_of_the_forms_codes_is_refused_without_its_value(
    practice_a, tmp_path
):
    resource = response("q1", CALM)
    resource["item"][0]["answer"] = [{"valueString": "my private words"}]
    resource["item"][1]["answer"] = [{"valueCoding": {"system": "urn:other", "code": NONE}}]
    run = import_responses(practice_a, tmp_path, resource)
    assert run.counts["refused"] == {"invalid_answers": 1}
    assert "private" not in run.problems.get().reason
    assert not Administration.objects.exists()


def test_a_matching_total_is_accepted(practice_a, tmp_path):
    resource = response("q1", {**CALM, "1": NEARLY})
    resource["item"].append({"linkId": "total-score", "answer": [{"valueInteger": 3}]})
    import_responses(practice_a, tmp_path, resource)
    assert Administration.objects.get(practice=practice_a).total == 3


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"questionnaire": "http://example.org/Questionnaire/intake|1"}, "questionnaire"),
        ({"questionnaire": "http://medhome.org/fhir/Questionnaire/nosuch|1"}, "questionnaire"),
        ({"status": "in-progress"}, "in_progress"),
        ({"status": "entered-in-error"}, "entered_in_error"),
    ],
)
def test_a_response_that_is_not_a_medhome_screen_is_read_and_not_kept(
    practice_a, tmp_path, changes, reason
):
    run = import_responses(practice_a, tmp_path, response("q1", CALM, **changes))
    assert run.counts["skipped"] == {reason: 1} and run.counts["refused"] == {}
    assert not Administration.objects.exists()


def test_a_reimport_keeps_one_screen_and_never_rewrites_it(practice_a, practice_b, tmp_path):
    first = response("q1", {**CALM, "1": NEARLY})
    import_responses(practice_a, tmp_path, first, name="one")
    again = import_responses(practice_a, tmp_path, first, name="two")
    assert again.counts["unchanged"] >= 1 and again.counts["refused"] == {}
    changed = import_responses(
        practice_a, tmp_path, response("q1", {**CALM, "1": NEARLY, "2": NEARLY}), name="three"
    )
    assert changed.counts["refused"] == {"screen_changed": 1}
    screen = Administration.objects.get(practice=practice_a)
    assert screen.total == 3
    # The same sender's key in another practice is that practice's own screen.
    import_responses(practice_b, tmp_path, first, name="four")
    assert Administration.objects.filter(practice=practice_b).count() == 1


def test_a_line_sent_twice_in_one_file_is_one_screen(practice_a, tmp_path):
    first = response("q1", {**CALM, "1": NEARLY})
    changed = response("q1", {**CALM, "2": NEARLY})
    run = import_responses(practice_a, tmp_path, first, first, changed)
    assert run.counts["unchanged"] == 1
    assert run.counts["refused"] == {"screen_changed": 1}
    assert Administration.objects.get(practice=practice_a).answers["1"] == NEARLY


def test_a_form_answered_past_the_schedules_ages_is_refused(practice_a, tmp_path):
    run = import_responses(practice_a, tmp_path, response("q1", CALM), born="2000-01-10")
    assert run.counts["refused"] == {"outside_schedule": 1}
    assert not Administration.objects.exists()


def test_a_response_about_another_practices_child_is_refused(practice_a, practice_b, tmp_path):
    """The sender's Patient/p1 is practice_b's child: practice_a's import never finds it."""
    import_responses(practice_b, tmp_path, name="b")
    files = {"QuestionnaireResponse": [response("q1", {**CALM, "9": SEVERAL})]}
    run = run_import(practice_a, write_export(tmp_path / "a", files)).run
    assert run.counts["refused"] == {"unknown_patient": 1}
    assert not Administration.objects.exists() and not CriticalAlert.objects.exists()
