"""A well-child visit completed in medhome completes the schedule's preventive-visit row
(visits.hooks, registered by periodicity): in the transaction that completes the visit."""

from datetime import timedelta

import pytest

from medhome.periodicity.engine import VISIT_ROW
from medhome.periodicity.models import RowCompletion
from medhome.visits import booking
from medhome.visits.tests.test_booking import MONDAY_9, book, desk, site_a  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "rows"), [("well_child", 1), ("group", 1), ("sick", 0)])
def test_a_completed_well_child_visit_completes_the_preventive_visit_row(
    desk,  # noqa: F811
    child_a,
    site_a,  # noqa: F811
    clinician_a,
    kind,
    rows,
):
    visit = book(desk, child_a, site_a, clinician_a, kind=kind)
    later = MONDAY_9 + timedelta(hours=1)
    booking.mark_arrived(actor=desk, visit=visit, at=later)
    assert not RowCompletion.objects.filter(child=child_a, row=VISIT_ROW).exists()

    booking.mark_completed(actor=desk, visit=visit, at=later)

    done = RowCompletion.objects.filter(child=child_a, row=VISIT_ROW, source_id=visit.pk)
    assert done.count() == rows
