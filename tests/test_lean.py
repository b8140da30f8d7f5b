"""core.lean: lean instances behave as Django's own (what the due list relies on)."""

import pytest
from django.db.models import F, Value
from django.db.models.query import ModelIterable

from medhome.core.lean import LeanModelIterable, lean
from medhome.families.models import Child

pytestmark = pytest.mark.django_db


def test_a_lean_instance_holds_what_django_would_load(child_a):
    queryset = Child.objects.only("legal_given_name", "date_of_birth").annotate(
        tag=Value("x"), born=F("date_of_birth")
    )
    (plain,) = list(queryset.filter(pk=child_a.pk))
    (made,) = list(lean(queryset).filter(pk=child_a.pk))
    assert type(made) is Child
    assert made.pk == plain.pk == child_a.pk
    assert made.legal_given_name == plain.legal_given_name
    assert made.date_of_birth == plain.date_of_birth == made.born
    assert made.tag == "x"
    assert made.get_deferred_fields() == plain.get_deferred_fields()
    assert not made._state.adding
    assert made._state.db == plain._state.db


def test_a_column_not_loaded_is_fetched_on_access(child_a, django_assert_num_queries):
    (made,) = list(lean(Child.objects.only("pk").filter(pk=child_a.pk)))
    with django_assert_num_queries(1):
        assert made.legal_family_name == child_a.legal_family_name


def test_a_lean_instance_saves_as_an_update(child_a):
    (made,) = list(lean(Child.objects.filter(pk=child_a.pk)))
    made.preferred_name = "Lean"
    made.save(update_fields=["preferred_name"])
    assert Child.objects.count() == 1
    assert Child.objects.get(pk=child_a.pk).preferred_name == "Lean"


def test_select_related_takes_djangos_own_path(child_a):
    queryset = lean(Child.objects.select_related("family").filter(pk=child_a.pk))
    assert queryset._iterable_class is LeanModelIterable
    (made,) = list(queryset)
    assert made.family.pk == child_a.family_id  # populated by Django's related populators


def test_values_after_lean_are_plain_values(child_a):
    queryset = lean(Child.objects.all()).values("pk")
    assert queryset._iterable_class is not ModelIterable
    assert list(queryset) == [{"pk": child_a.pk}]
