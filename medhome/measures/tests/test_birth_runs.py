"""sql.per_child's one expression (sql.BirthRuns) gives each child the bound computed in Python
from its date of birth, read on the child's own row and through a join (a visit's child), and
nothing for a date of birth outside the runs — on SQLite and on PostgreSQL alike."""

from datetime import date, timedelta

import pytest

from medhome.families.models import Child
from medhome.measures.sql import per_child
from medhome.periodicity.windows import add_months
from medhome.visits.models import Visit

from .helpers import child, visit

# Month-end births: the 2-month bound's offset changes around them (29 Feb, 30/31-day months).
BIRTHS = [date(2024, 1, 29) + timedelta(days=n) for n in range(40)]


def two_months(dob: date) -> date:
    return add_months(dob, 2)


@pytest.mark.django_db
def test_each_child_gets_its_own_bound_and_none_outside_the_runs(family_a):
    kids = {child(family_a, born).pk: born for born in [*BIRTHS, date(2023, 6, 1)]}
    bound = per_child(BIRTHS, two_months)
    found = dict(Child.objects.filter(pk__in=kids).annotate(bound=bound).values_list("pk", "bound"))
    for pk, born in kids.items():
        assert found[pk] == (two_months(born) if born in BIRTHS else None), born

    seen = {visit(Child.objects.get(pk=pk), born): born for pk, born in kids.items()}
    through = per_child(BIRTHS, two_months, field="child__date_of_birth")
    on_visits = dict(
        Visit.objects.filter(pk__in=[v.pk for v in seen])
        .annotate(bound=through)
        .filter(bound__isnull=False, bound__gt="2024-03-30")  # the bound in a WHERE, too
        .values_list("pk", "bound")
    )
    expected = {
        v.pk: two_months(born)
        for v, born in seen.items()
        if born in BIRTHS and two_months(born) > date(2024, 3, 30)
    }
    assert on_visits == expected and expected
