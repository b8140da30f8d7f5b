"""The due list counts only children on the panel that day (docs/clinical-rules.md#attribution):
starts_on inclusive, ends_on exclusive."""

from datetime import date, timedelta

import pytest

from medhome.families.models import Child, PanelEndReason, PanelMembership
from medhome.periodicity.panel import due_counts, panel_due
from tests.factories import make_practice

from .helpers import make_children

ON = date(2026, 6, 1)
# Born 2 months before ON: the 2-month visit's window is open.
BORN = date(2026, 4, 1)


def listed(practice) -> set:
    return set(panel_due(Child.objects.for_practice(practice), ON).values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_ended_child_is_not_due_and_not_counted() -> None:
    practice = make_practice("Attribution")
    staying, leaving = make_children(practice, [(BORN, "female"), (BORN, "male")])
    PanelMembership.objects.filter(child=leaving).update(
        ends_on=ON - timedelta(days=3), end_reason=PanelEndReason.TRANSFERRED
    )

    assert listed(practice) == {staying.pk}
    assert sum(due_counts(Child.objects.for_practice(practice), ON).values()) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_on", "ends_on", "on_panel"),
    [
        (ON, None, True),  # joined that day: on the panel (inclusive)
        (ON + timedelta(days=1), None, False),  # joins tomorrow
        (BORN, ON, False),  # left that day: off the panel (exclusive)
        (BORN, ON + timedelta(days=1), True),  # leaves tomorrow
    ],
)
def test_membership_boundaries(starts_on, ends_on, on_panel) -> None:
    practice = make_practice("Boundaries")
    (child,) = make_children(practice, [(BORN, "female")])
    PanelMembership.objects.filter(child=child).update(
        starts_on=starts_on, ends_on=ends_on, end_reason="moved" if ends_on else ""
    )

    assert (child.pk in listed(practice)) is on_panel
    assert Child.objects.on_panel(ON).filter(pk=child.pk).exists() is on_panel


@pytest.mark.django_db
def test_a_child_without_any_membership_is_off_the_panel() -> None:
    practice = make_practice("No membership")
    (child,) = make_children(practice, [(BORN, "female")])
    PanelMembership.objects.filter(child=child).delete()

    assert listed(practice) == set()
