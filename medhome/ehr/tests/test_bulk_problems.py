"""A bad line is reported with its file, line and reason and skipped; the others go in."""

import pytest

from medhome.ehr.models import ImportProblem, Observation
from medhome.ehr.r4b import Validator
from medhome.families.models import Child
from medhome.visits.models import Visit

from .support import observation, patient, run_import, write_export

pytestmark = pytest.mark.django_db


def problems(result):
    return [
        (p.file, p.line, p.resource_id, p.reason)
        for p in ImportProblem.objects.filter(run=result.run).order_by("file", "line")
    ]


def test_every_refusal_reason_with_its_line(practice_a, tmp_path):
    files = {
        "Patient": [
            patient(),
            "{not json",
            patient("p2", birthDate="2024-02-31"),  # fails R4B validation
            patient("p3", gender="girl"),  # not in the required value set
            patient("p4", birthDate="2027-01-01"),
        ],
        "Appointment": [
            {
                "resourceType": "Appointment",
                "id": "early",
                "status": "fulfilled",
                "start": "2023-12-01T14:00:00Z",
                "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
            },
            {
                "resourceType": "Appointment",
                "id": "backwards",
                "status": "booked",
                "start": "2026-07-01T14:00:00Z",
                "end": "2026-07-01T13:00:00Z",
                "participant": [{"actor": {"reference": "Patient/p1"}, "status": "accepted"}],
            },
        ],
        "Observation": [
            observation("ok", "29463-7", 10, "kg"),
            observation("stranger", "29463-7", 10, "kg", subject={"reference": "Patient/zz"}),
            observation("later", "29463-7", 10, "kg", effectiveDateTime="2026-07-01"),
            observation("unborn", "29463-7", 10, "kg", effectiveDateTime="2023-01-01"),
            observation("stone", "29463-7", 10, "[stone]"),
            patient("p9"),  # a Patient in the Observation file
        ],
        "Basic": [{"resourceType": "Basic", "id": "b1"}, {"resourceType": "Basic", "id": "b2"}],
    }
    result = run_import(practice_a, write_export(tmp_path / "e", files))
    assert problems(result) == [
        (
            "Appointment.ndjson",
            1,
            "early",
            "The visit is before the child's date of birth.",
        ),
        ("Appointment.ndjson", 2, "backwards", "The end is before the start."),
        (
            "Observation.ndjson",
            2,
            "stranger",
            "The resource refers to a patient this practice does not have.",
        ),
        ("Observation.ndjson", 3, "later", "The date is in the future."),
        ("Observation.ndjson", 4, "unborn", "The date is before the child's date of birth."),
        (
            "Observation.ndjson",
            5,
            "stone",
            "The measurement's unit is not one medhome converts.",
        ),
        ("Patient.ndjson", 2, "", "The line is not valid JSON."),
        ("Patient.ndjson", 3, "p2", "The resource does not follow FHIR R4 (birthDate)."),
        ("Patient.ndjson", 4, "p3", "The code in gender is not one FHIR R4 allows."),
        ("Patient.ndjson", 5, "p4", "The date of birth is in the future."),
    ]
    assert Child.objects.count() == 1
    assert list(Observation.objects.values_list("source_key", flat=True)) == ["Observation/ok"]
    assert not Visit.objects.exists()
    assert result.counts["refused"] == {
        "before_birth": 1,
        "end_before_start": 1,
        "future_date": 1,
        "invalid_code": 1,
        "invalid_fhir": 1,
        "invalid_json": 1,
        "refused": 2,
        "unknown_patient": 1,
        "unknown_unit": 1,
    }
    assert result.counts["skipped_types"] == {"Basic": 2, "Patient": 1}
    assert result.counts["imported"] == 2


def test_no_phi_in_problems(practice_a, tmp_path):
    """A validation error names the field, never the value that failed."""
    bad = patient("p2", birthDate="Testfamily-secret")
    result = run_import(practice_a, write_export(tmp_path / "e", {"Patient": [bad]}))
    (problem,) = problems(result)
    assert "Testfamily" not in problem[3] and "secret" not in problem[3]


@pytest.mark.parametrize("batch_lines", [1000, 40])
def test_validation_in_worker_processes_gives_the_same_problems(
    practice_a, practice_b, tmp_path, batch_lines, monkeypatch
):
    """Enough lines for the worker pool (r4b.CHUNK_LINES) in one batch, or small batches
    that the workers validate ahead while the one before is written: the same rows and the
    same problems, with the same lines, as validating in the importing process."""
    bad = {2: {"valueQuantity": {"value": "heavy"}}, 280: {"status": ["final"]}}
    items = [
        observation(f"o{n}", "29463-7", 5 + n / 100, "kg", **bad.get(n, {})) for n in range(300)
    ]
    looked_ahead = []
    real = Validator._looked_ahead

    def spy(self, kind, numbers):
        found = real(self, kind, numbers)
        looked_ahead.append(found is not None)
        return found

    monkeypatch.setattr(Validator, "_looked_ahead", spy)
    outcomes = []
    for practice, workers in ((practice_a, 0), (practice_b, 2)):
        files = {"Patient": [patient()], "Observation": [*items[:100], "{not json", *items[100:]]}
        directory = write_export(tmp_path / str(workers), files)
        result = run_import(practice, directory, workers=workers, batch_lines=batch_lines)
        outcomes.append(
            (
                Observation.objects.filter(practice=practice).count(),
                [(line, rid, reason) for _file, line, rid, reason in problems(result)],
                result.counts["refused"],
            )
        )
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][0] == 298
    assert [line for line, _id, _reason in outcomes[1][1]] == [3, 101, 282]
    assert any(looked_ahead) == (batch_lines < 300)
