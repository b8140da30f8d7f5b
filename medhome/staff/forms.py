from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Role
from medhome.practices.models import MeasuresRefresh

from .models import Proficiency


class AddMemberForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Usually the work email. An existing account is added to this practice."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    credentials = forms.CharField(
        label=_("Credentials"), max_length=40, required=False, help_text=_("e.g. MD, NP, RN, CHW")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ChangeMemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Has access to this practice"), required=False)


WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class CalendarForm(forms.Form):
    opens_at = forms.TimeField(label=_("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(
        label=_("Closes at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    working_weekdays = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(
        label=_("Phone number for families"),
        help_text=_("Printed on family pages, letters and the care plan."),
        max_length=30,
        required=False,
    )
    holidays = forms.CharField(
        label=_("Practice holidays (not business days), one date per line"),
        help_text=_("For example 2026-12-25"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class AddLanguageForm(forms.Form):
    """A language as a tag (a common one from the list, any other typed); the service validates
    it with the families' own rule (core.languages.normalize_language)."""

    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        help_text=_("An ISO 639 code such as “es” or “vi”, or pick one from the list."),
        widget=forms.TextInput(attrs={"list": "common-languages", "autocomplete": "off"}),
    )
    proficiency = forms.ChoiceField(
        label=_("How well you speak it"),
        choices=[("", "—"), *Proficiency.choices],
        required=False,  # the service says what is missing, with the language's own message
    )


class ChangeLanguageForm(forms.Form):
    proficiency = forms.ChoiceField(label=_("How well you speak it"), choices=Proficiency.choices)


class MeasuresRefreshForm(forms.Form):
    measures_refresh = forms.ChoiceField(
        label=_("When the worker recomputes the practice's quality measures"),
        help_text=_(
            "Every night, or also within minutes of a change to the practice's record (more "
            "work for the server, figures closer to the moment). An analyst can always ask "
            "for a recompute from the measures page."
        ),
        choices=MeasuresRefresh.choices,
        widget=forms.RadioSelect,
    )
