"""core.copy's bulk writers and `__any_of` (core.lookups) give what the ORM's own calls would, on
either database (tried on an EHR table)."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from medhome.core.copy import insert_values, update_rows, update_values
from medhome.ehr.models import Allergy

pytestmark = pytest.mark.django_db
AT = datetime(2026, 6, 15, 14, 0, tzinfo=UTC)


def allergy(child, key, **values):
    return {
        "id": uuid4(),
        "practice_id": child.practice_id,
        "child_id": child.pk,
        "source_key": key,
        "content_hash": "h",
        "imported_at": AT,
        "display": "Peanut",
        **values,
    }


def test_insert_values_writes_given_values_and_defaults(child_a):
    rows = [allergy(child_a, "a1", criticality="high"), allergy(child_a, "a2")]
    insert_values(Allergy, rows)
    first, second = (Allergy.objects.get(pk=row["id"]) for row in rows)
    assert (first.criticality, first.clinical_status, first.no_known_allergy) == (
        "high",
        "active",
        False,
    )
    assert (second.source_key, second.criticality) == ("a2", "")


def test_insert_values_refuses_a_field_the_model_does_not_have(child_a):
    with pytest.raises(ValueError, match="no field colour"):
        insert_values(Allergy, [allergy(child_a, "a1", colour="red")])
    assert not Allergy.objects.exists()


def test_update_rows_writes_only_the_named_fields(child_a):
    insert_values(Allergy, [allergy(child_a, "a1")])
    row = Allergy.objects.get()
    row.display, row.criticality = "Egg", "low"
    update_rows(Allergy, [row], ["display"])
    row.refresh_from_db()
    assert (row.display, row.criticality) == ("Egg", "")


def test_any_of_matches_like_in(child_a):
    insert_values(Allergy, [allergy(child_a, f"k{n}") for n in range(5)])
    wanted = ["k1", "k3", "missing"]
    assert sorted(
        Allergy.objects.filter(source_key__any_of=wanted).values_list("source_key", flat=True)
    ) == ["k1", "k3"]
    assert Allergy.objects.filter(child_id__any_of=[child_a.pk]).count() == 5
    assert not Allergy.objects.filter(source_key__any_of=[]).exists()
    # Values the one-parameter form cannot carry are looked up as an IN list.
    assert Allergy.objects.filter(source_key__any_of=["k2", ""]).count() == 1
    assert Allergy.objects.filter(source_key__any_of=["k2", "a\x1fb"]).count() == 1
    assert Allergy.objects.filter(imported_at__any_of=[AT]).count() == 5


def test_update_values_sets_fields_by_primary_key(child_a):
    rows = [allergy(child_a, "a1"), allergy(child_a, "a2"), allergy(child_a, "a3")]
    insert_values(Allergy, rows)
    update_values(
        Allergy,
        {
            rows[0]["id"]: {"display": "Egg", "no_known_allergy": True},
            rows[2]["id"]: {"display": "Milk", "no_known_allergy": False},
        },
    )
    stored = dict(Allergy.objects.values_list("source_key", "display"))
    assert stored == {"a1": "Egg", "a2": "Peanut", "a3": "Milk"}
    assert list(
        Allergy.objects.filter(no_known_allergy=True).values_list("source_key", flat=True)
    ) == ["a1"]
