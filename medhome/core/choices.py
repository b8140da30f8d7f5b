"""`get_<field>_display()` without rebuilding the field's choices on every call.

Django's own version builds `dict(make_hashable(field.flatchoices))` on each call, which hashes
every label: a lazy label is translated to be hashed, so one status on a row costs a
translation of every status the field has. Today's list and the chart call it a few hundred
times a page (about a tenth of Today's time, docs/benchmarks.md "Third pass"). Here the
value → label table of a field is built once (labels stay lazy, so each request still gets
its own language); choices given as a callable, and values that cannot be dictionary keys,
take Django's own path.
"""

from functools import cache
from typing import Any

from django.db.models import Field
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str


@cache
def _labels(field: Field) -> dict[Any, Any] | None:
    if isinstance(field.choices, CallableChoiceIterator):
        return None  # the choices may change between calls
    try:
        return dict(field.flatchoices)
    except TypeError:  # a value that is not hashable (a list, a dict)
        return None


class ChoiceLabels:
    """A model mixin: get_<field>_display() from a table built once per field."""

    def _get_FIELD_display(self, field: Field) -> Any:  # noqa: N802 (Django's name)
        labels = _labels(field)
        if labels is not None:
            value = getattr(self, field.attname)
            try:
                return force_str(labels.get(value, value), strings_only=True)
            except TypeError:  # this value is not hashable
                pass
        return super()._get_FIELD_display(field)  # type: ignore[misc]
