from datetime import date

import pytest

from medhome.periodicity.models import RowCompletion
from medhome.synth.visit_history import write_histories
from medhome.visits.models import Visit
from tests import factories


@pytest.mark.django_db
def test_histories_follow_the_schedule_mostly_and_are_reproducible(family_a):
    kids = [
        factories.add_child(family_a, legal_given_name=f"K{n}", mrn=f"VH-{n}", date_of_birth=born)
        for n, born in enumerate([date(2024, 1, 15), date(2012, 3, 2)] * 10)
    ]

    written = write_histories(kids, as_of=date(2026, 11, 23), seed="t", clinicians=[])
    well = Visit.objects.filter(kind="well_child")
    completions = RowCompletion.objects.filter(row="preventive_visit")

    assert written == Visit.objects.count() > 0
    assert well.count() == completions.count()
    assert set(completions.values_list("source_id", flat=True)) == set(
        well.values_list("pk", flat=True)
    )
    # Every well-child visit lies in the window of the visit it completes.
    for completion in completions.select_related("child"):
        from medhome.periodicity.windows import visit_for_day

        assert (
            visit_for_day(completion.child.date_of_birth, completion.done_on).key
            == completion.visit_key
        )
    # Not every window closed is attended (realistic misses).
    # Eleven windows, newborn to 24 months, have closed for a child born in January 2024.
    toddlers_expected = 10 * 11
    assert well.filter(child__date_of_birth=date(2024, 1, 15)).count() < toddlers_expected
