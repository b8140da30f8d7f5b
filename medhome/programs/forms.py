"""The programs pages' input: the practice's own program (ages in months or years, stored in
days) and the bounds of the eligible-but-not-reached list (whole months, in the query string)."""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django import forms
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medhome.accounts.roles import Role
from medhome.core.params import MalformedId

from . import definitions as d
from .models import NAME_MAX_LENGTH, TEXT_MAX_LENGTH, Program

UNITS = [("months", gettext_lazy("months")), ("years", gettext_lazy("years"))]
# The roles whose people deliver programs (never the network analyst or a partner's staff).
DELIVERING_ROLES = [
    Role.PEDIATRICIAN,
    Role.NURSE_PRACTITIONER,
    Role.NURSE,
    Role.BEHAVIORAL_HEALTH,
    Role.CARE_COORDINATOR,
    Role.FAMILY_SPECIALIST,
    Role.COMMUNITY_HEALTH_WORKER,
    # Parent-to-parent support, navigation and groups: a practice names them on its own program
    # and works its families from a family page without the chart
    # (docs/clinical-rules.md#parent-partners).
    Role.PARENT_PARTNER,
]
# The service's field names on the form's.
_FIELD_OF = {"min_age_days": "min_age", "max_age_days": "max_age", "key": "name"}


class OwnProgramForm(forms.Form):
    # Not required here: the service says what is missing in its own words.
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=NAME_MAX_LENGTH)
    summary = forms.CharField(
        label=gettext_lazy("What it offers"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    min_age = forms.IntegerField(label=gettext_lazy("From age"), required=False, min_value=0)
    min_unit = forms.ChoiceField(label=gettext_lazy("in"), choices=UNITS, initial="months")
    max_age = forms.IntegerField(label=gettext_lazy("Until age (not included)"), required=False)
    max_unit = forms.ChoiceField(label=gettext_lazy("in"), choices=UNITS, initial="years")
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles that deliver it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role.value, role.label) for role in DELIVERING_ROLES],
    )
    contact_every_days = forms.IntegerField(
        label=gettext_lazy("Due for a contact after (days)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["min_age"].error_messages["min_value"] = _(
            "An age is a whole number, zero or more."
        )
        for name in ("min_age", "max_age", "contact_every_days"):
            self.fields[name].error_messages["invalid"] = _("Give a whole number.")

    def key(self) -> str:
        """The short name, made from the name; a name with no Latin letters gets a random one."""
        name = self.cleaned_data.get("name", "")
        made = slugify(name)[:40].strip("-")
        return made or (f"own-{uuid4().hex[:8]}" if name.strip() else "")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data.get("name", ""),
            "summary": data.get("summary", ""),
            "roles": data.get("roles", []),
            "min_age_days": _days(data.get("min_age"), data.get("min_unit")),
            "max_age_days": _days(data.get("max_age"), data.get("max_unit")),
            "contact_every_days": data.get("contact_every_days"),
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(_FIELD_OF.get(field, field), message)


def _days(value: int | None, unit: str | None) -> int | None:
    if value is None:
        return None
    return d.years(value) if unit == "years" else d.months(value)


# --- the eligible-but-not-reached list -----------------------------------------------------


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    min_months: int | None
    max_months: int | None


def presets(program: Program) -> list[Preset]:
    """Named lists a team asks for often, per shipped program (their ages within the program's
    own: domain-reference §14)."""
    name = program.display_name
    by_definition = {
        "dulce": [
            Preset(
                "under-2-months",
                _("Infants under 2 months not offered %(p)s") % {"p": name},
                None,
                2,
            ),
        ],
        "reach_out_and_read": [
            Preset(
                "no-book-this-year",
                _("Children 6 months–5 years without a book this year"),
                6,
                60,
            ),
        ],
        "vip": [
            Preset(
                "under-6-months",
                _("Infants under 6 months not offered %(p)s") % {"p": name},
                None,
                6,
            ),
        ],
        "healthysteps": [
            Preset(
                "under-1-year", _("Children under 1 year not offered %(p)s") % {"p": name}, None, 12
            ),
        ],
    }
    return by_definition.get(program.definition, [])


@dataclass(frozen=True)
class Bounds:
    min_months: int | None
    max_months: int | None
    preset: str = ""

    @property
    def min_days(self) -> int | None:
        return None if self.min_months is None else d.months(self.min_months)

    @property
    def max_days(self) -> int | None:
        return None if self.max_months is None else d.months(self.max_months)

    def query(self) -> dict[str, int | str]:
        if self.preset:
            return {"preset": self.preset}
        return {
            name: value
            for name, value in (("from_months", self.min_months), ("to_months", self.max_months))
            if value is not None
        }


def _months(data: QueryDict, name: str) -> int | None:
    value = data.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 4:
        # MalformedId: core's 400 whose sentence is shown (it never repeats what was sent).
        raise MalformedId(
            _("Give “%(name)s” as a whole number of months, for example 6.") % {"name": name}
        )
    return int(value)


def bounds_from(program: Program, data: QueryDict) -> Bounds:
    """The list's age bounds: a named preset, or from/to in whole months (400 when malformed or
    when the upper bound is not above the lower)."""
    chosen = data.get("preset", "")
    if chosen:
        for preset in presets(program):
            if preset.key == chosen:
                return Bounds(preset.min_months, preset.max_months, preset.key)
        raise MalformedId(_("That list is not one of this program's lists."))
    low, high = _months(data, "from_months"), _months(data, "to_months")
    if low is not None and high is not None and high <= low:
        raise MalformedId(_("The upper age must be above the lower age."))
    return Bounds(low, high)
