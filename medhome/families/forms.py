from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medhome.core import clock
from medhome.practices.models import Practice
from medhome.practices.selectors import clinician_users

from .languages import language_choices, language_name, normalize_language
from .models import Caregiver, Child, PanelEndReason
from .services import (
    DECLINED_ALONE,
    DUPLICATE_MRN,
    MEMBER_ID_NEEDED,
    Window,
    birth_date_errors,
    channel_contact_errors,
    mrn_is_taken,
)
from .vocabulary import Payer, RaceEthnicity, Weekday


class LanguageSelect(forms.Select):
    """Languages chosen by their names in the reader's language, the code stored; a language not
    in the list is typed as its code beside "Another language"."""

    template_name = "families/widgets/language_select.html"
    OTHER = "other"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        current = str(value or "")
        named = sorted(language_choices(), key=lambda choice: choice[1].casefold())
        known = {code for code, _name in named}
        if current and current not in known:
            named.insert(0, (current, language_name(current)))
        self.choices = [("", "—"), *named, (self.OTHER, _("Another language"))]
        context = super().get_context(name, current, attrs)
        context["widget"]["other_value"] = ""
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        return data.get(f"{name}_other", "") if value == self.OTHER else value


class LanguageField(forms.CharField):
    """A language tag: a common one chosen by name, or any ISO 639 / BCP 47 code typed."""

    widget = LanguageSelect

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 35)
        super().__init__(**kwargs)
        self.widget.attrs.pop("maxlength", None)

    def clean(self, value: Any) -> str:
        return normalize_language(super().clean(value))


class FamilyForm(forms.Form):
    family_name = forms.CharField(
        label=_("Household name"),
        max_length=200,
        help_text=_("How the family names itself, e.g. “García-López family”"),
    )


class ChildForm(forms.ModelForm):
    race_ethnicity = forms.MultipleChoiceField(
        label=_("Race and ethnicity (choose all that apply)"),
        choices=RaceEthnicity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_language = LanguageField(label=_("Preferred language"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Child
        fields = [
            "legal_given_name",
            "legal_family_name",
            "preferred_name",
            "date_of_birth",
            "sex_at_birth",
            "gender_identity",
            "pronouns",
            "mrn",
            "race_ethnicity",
            "race_ethnicity_detail",
            "preferred_language",
            "payer",
            "payer_member_id",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "has_special_health_care_needs",
            "primary_clinician",
            "gestational_age_weeks",
            "gestational_age_days",
            "birth_discharged_on",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "birth_discharged_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fields["primary_clinician"].queryset = clinician_users(practice)  # type: ignore[attr-defined]
        # Staff registering a family ask for the ZIP code (the EHR's panel may lack one).
        self.fields["zip_code"].required = True

    def clean_date_of_birth(self) -> Any:
        birth_date = self.cleaned_data["date_of_birth"]
        if errors := birth_date_errors(birth_date, today=clock.today()):
            raise ValidationError(errors)
        return birth_date

    def clean_mrn(self) -> str:
        mrn = self.cleaned_data["mrn"].strip().upper()
        existing = self.instance if self.instance.pk else None
        if mrn_is_taken(self.practice, mrn, except_child=existing):
            raise ValidationError(DUPLICATE_MRN)
        return mrn

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        categories = cleaned.get("race_ethnicity") or []
        if RaceEthnicity.DECLINED in categories and len(categories) > 1:
            self.add_error("race_ethnicity", DECLINED_ALONE)
        payer, member_id = cleaned.get("payer"), cleaned.get("payer_member_id")
        if payer in {Payer.MEDICAID, Payer.CHIP} and not member_id:
            self.add_error("payer_member_id", MEMBER_ID_NEEDED)
        return cleaned


# Who the caregiver is, as opposed to how they want to be reached (PreferencesForm).
CAREGIVER_IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "relationship",
    "is_legal_guardian",
    "is_birth_parent",
    "is_primary_contact",
)


class CaregiverForm(forms.ModelForm):
    preferred_language = LanguageField(label=_("Preferred language"))

    class Meta:
        model = Caregiver
        fields = [
            "given_name",
            "family_name",
            "relationship",
            "is_legal_guardian",
            "is_birth_parent",
            "is_primary_contact",
            "phone",
            "email",
            "preferred_language",
            "needs_interpreter",
            "preferred_channel",
            "availability_note",
            "has_transportation_barrier",
            "transportation_note",
            "culture_and_identity",
            "strengths",
        ]
        widgets = {
            "culture_and_identity": forms.Textarea(attrs={"rows": 3}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        errors = channel_contact_errors(
            cleaned.get("preferred_channel", ""), cleaned.get("phone"), cleaned.get("email", "")
        )
        for field, messages in errors.items():
            if field not in self.errors:
                self.add_error(field, messages)
        return cleaned


class PreferencesForm(CaregiverForm):
    """What the family changes most: how to reach them, when, and in their own words."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(CaregiverForm.Meta):
        fields = [f for f in CaregiverForm.Meta.fields if f not in CAREGIVER_IDENTITY_FIELDS]


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=[("", "—"), *Weekday.choices], coerce=int, required=False
    )
    starts_at = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        given = [cleaned.get(f) not in (None, "") for f in ("weekday", "starts_at", "ends_at")]
        if any(given) and not all(given):
            raise ValidationError(_("Give the day, the start and the end of each time window."))
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            raise ValidationError(_("Each time window must end after it starts."))
        return cleaned


class BaseWindowFormSet(forms.BaseFormSet):
    def windows(self) -> list[Window]:
        return [
            Window(
                f.cleaned_data["weekday"], f.cleaned_data["starts_at"], f.cleaned_data["ends_at"]
            )
            for f in self.forms
            if f.cleaned_data.get("weekday") not in (None, "")
        ]


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=0, max_num=14, validate_max=True
)


def window_formset(data: Any = None, *, caregiver: Caregiver | None = None) -> Any:
    initial = (
        [
            {"weekday": w.weekday, "starts_at": w.starts_at, "ends_at": w.ends_at}
            for w in caregiver.availability.all()
        ]
        if caregiver is not None
        else []
    )
    formset = WindowFormSet(data, initial=initial, prefix="windows")
    if data is None:
        formset.extra = 2
    return formset


class EndMembershipForm(forms.Form):
    """The child leaves the panel (docs/clinical-rules.md#attribution); the service checks the
    dates against the membership and today."""

    ends_on = forms.DateField(
        label=_("Left the panel on"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": _("Give the day the child left the panel.")},
    )
    end_reason = forms.ChoiceField(
        label=_("Why"),
        choices=[("", "—"), *PanelEndReason.choices],
        error_messages={
            "required": _("Say why the child left the panel."),
            "invalid_choice": _("Say why the child left the panel."),
        },
    )


class RejoinForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Back on the panel from"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": _("Give the day the child rejoins the panel.")},
    )


class PrimaryClinicianForm(forms.Form):
    primary_clinician: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Primary care clinician"),
        queryset=None,  # set per practice in __init__
        required=False,
        empty_label=_("Not assigned"),
        error_messages={
            "invalid_choice": _(
                "The primary care clinician must be a pediatrician or nurse practitioner here."
            )
        },
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["primary_clinician"].queryset = clinician_users(practice)  # type: ignore[attr-defined]
