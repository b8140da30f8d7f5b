import pytest

from medhome.ehr.models import Observation

from .support import observation, patient, run_import, write_export

pytestmark = pytest.mark.django_db


def test_smoke(practice_a, tmp_path):
    export = write_export(
        tmp_path / "x",
        {"Patient": [patient()], "Observation": [observation("o1", "29463-7", 22, "[lb_av]")]},
    )
    result = run_import(practice_a, export)
    print(result.counts, list(result.run.problems.values_list("reason", flat=True)))
    assert Observation.objects.count() == 1
