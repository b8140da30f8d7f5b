"""get_<field>_display() through core.choices.ChoiceLabels (on every practice-scoped model, a
visit here): the same answers as Django's own, in the language of the moment, from a table
built once per field."""

from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from medhome.core.choices import ChoiceLabels, _labels
from medhome.visits.models import Visit, VisitStatus


def test_the_label_is_in_the_language_of_each_call():
    visit = Visit(status=VisitStatus.NO_SHOW)
    with translation.override("en"):
        assert visit.get_status_display() == "Did not come"
    with translation.override("es"):
        assert visit.get_status_display() == "No se presentó"
    with translation.override("en"):
        assert visit.get_status_display() == "Did not come"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Visit(status="not-a-status").get_status_display() == "not-a-status"
    assert Visit(status=None).get_status_display() is None


def test_the_table_is_built_once_per_field():
    field = Visit._meta.get_field("status")
    assert _labels(field) is _labels(field)
    assert set(_labels(field)) == set(VisitStatus.values)


@isolate_apps("medhome.core")  # the model below is not left in the project's registry
def test_choices_from_a_callable_and_unhashable_values_take_djangos_path():
    def sizes():
        return [("s", "Small"), ("l", "Large")]

    class Sized(ChoiceLabels, models.Model):
        size = models.CharField(max_length=1, choices=sizes)
        tags = models.JSONField(choices=[(["a", "b"], "A and B")], null=True)

        class Meta:
            app_label = "core"
            managed = False

        def __str__(self) -> str:
            return self.size

    assert _labels(Sized._meta.get_field("size")) is None
    assert Sized(size="l").get_size_display() == "Large"
    assert _labels(Sized._meta.get_field("tags")) is None
    assert Sized(tags=["a", "b"]).get_tags_display() == "A and B"
