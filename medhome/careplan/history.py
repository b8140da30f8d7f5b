"""The plan's history in words: what changed, named as the plan page names it, with values as
people read them (a status's label, a date, yes/no), never a field or model name."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PlanChange

# What each row is about, by the model it was written for (PlanChange.object_type).
WHAT = {
    ("create", "careplan"): gettext_lazy("Started the plan"),
    ("update", "careplan"): gettext_lazy("Changed the plan"),
    ("create", "goal"): gettext_lazy("Added a goal"),
    ("update", "goal"): gettext_lazy("Changed a goal"),
    ("create", "planaction"): gettext_lazy("Added an action"),
    ("update", "planaction"): gettext_lazy("Changed an action"),
    ("create", "careteammember"): gettext_lazy("Added a team member"),
    ("update", "careteammember"): gettext_lazy("Changed a team member"),
    ("create", "progressnote"): gettext_lazy("Added a note on a goal"),
}
# Fields whose model column has no name a reader would use.
FIELD_WORDS = {
    "owner_is_family": gettext_lazy("the family owns it"),
    "created_by_family": gettext_lazy("written by the family"),
}


@dataclass(frozen=True)
class Line:
    label: str
    old: str
    new: str


def what(change: PlanChange) -> str:
    found = WHAT.get((change.operation, change.object_type))
    return str(found) if found else _("Changed the plan")


def lines(change: PlanChange) -> list[Line]:
    model = _model(change.object_type)
    return [
        Line(
            label=capfirst(_label(model, entry.get("field", ""))),
            old=_value(model, entry.get("field", ""), entry.get("old", "")),
            new=_value(model, entry.get("field", ""), entry.get("new", "")),
        )
        for entry in change.changes
    ]


def readable(history: list[PlanChange]) -> list[PlanChange]:
    """The rows with .what and .lines for the page (the rows themselves stay as stored)."""
    for change in history:
        change.what = what(change)  # type: ignore[attr-defined]
        change.lines = lines(change)  # type: ignore[attr-defined]
    return history


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model("careplan", object_type)
    except LookupError:
        return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model: type[models.Model] | None, name: str) -> str:
    if name in FIELD_WORDS:
        return str(FIELD_WORDS[name])
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return name.replace("_", " ")


def _value(model: type[models.Model] | None, name: str, value: Any) -> str:
    if value in ("", None):
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    field = _field(model, name)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return formats.date_format(date.fromisoformat(str(value)), "m/d/Y")
        except ValueError:
            return str(value)
    return str(value)
