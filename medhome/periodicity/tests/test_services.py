import uuid
from datetime import date

import pytest

from medhome.periodicity.models import RowCompletion
from medhome.periodicity.services import completions_for, record_completion
from tests.factories import make_practice

from .helpers import MOMENT, make_children


@pytest.mark.django_db
def test_visit_key_from_birth_date_and_idempotent_per_source() -> None:
    (child,) = make_children(make_practice("P"), [(date(2024, 5, 17), "female")])
    administration = uuid.uuid4()
    first = record_completion(
        child=child,
        row="autism",
        done_on=date(2025, 11, 20),
        next_step_pending=True,
        source="instrument",
        source_id=administration,
        recorded_at=MOMENT,
    )
    assert first.visit_key == "18mo" and first.next_step_pending
    assert first.schedule_version == "bright-futures-2024-06"
    again = record_completion(
        child=child,
        row="autism",
        done_on=date(2025, 11, 27),
        next_step_pending=False,
        source="instrument",
        source_id=administration,
        recorded_at=MOMENT,
    )
    assert again.pk == first.pk
    assert RowCompletion.objects.count() == 1
    record_completion(
        child=child,
        row="hepatitis_b",
        done_on=date(2025, 11, 27),
        source="manual",
        recorded_at=MOMENT,
    )
    completions = completions_for(child)
    assert [(c.row, c.visit_key, c.next_step_pending) for c in completions] == [
        ("autism", "18mo", False),
        ("hepatitis_b", None, False),
    ]
    with pytest.raises(KeyError):
        record_completion(
            child=child,
            row="nope",
            done_on=date(2025, 11, 27),
            source="manual",
            recorded_at=MOMENT,
        )
    with pytest.raises(ValueError, match="outside"):
        record_completion(
            child=child,
            row="autism",
            done_on=date(2024, 5, 1),
            source="manual",
            recorded_at=MOMENT,
        )
