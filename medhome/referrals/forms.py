from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medhome.directory.vocabulary import Need
from medhome.families.models import Caregiver, Child

FAMILY_PAGE_LANGUAGES = ("en", "es")


def family_language(child: Child) -> str:
    """The language a family-facing page is printed in: the primary caregiver's, where medhome
    has it (English and Spanish), else English."""
    caregivers = sorted(child.family.caregivers.all(), key=lambda c: not c.is_primary_contact)
    for caregiver in caregivers:
        if caregiver.preferred_language in FAMILY_PAGE_LANGUAGES:
            return caregiver.preferred_language
    return child.preferred_language if child.preferred_language in FAMILY_PAGE_LANGUAGES else "en"


PRIORITIES = [("routine", _("Routine")), ("urgent", _("Urgent (today)"))]


class StartForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=Need.choices)
    choice = forms.ChoiceField(label=_("Organization and service"), widget=forms.RadioSelect)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITIES, initial="routine")
    reason = forms.CharField(
        label=_("What the family needs, in a sentence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )

    def __init__(self, *args: Any, hits: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hits = {f"{hit.service.organization_id}:{hit.service.pk}": hit for hit in hits}
        field = self.fields["choice"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, hit.service.name) for key, hit in self.hits.items()]

    def organization(self) -> Any:
        return self.hits[self.cleaned_data["choice"]].service.organization

    def service(self) -> Any:
        return self.hits[self.cleaned_data["choice"]].service


SHARED_ITEMS = [
    ("name", _("Names of the child and caregiver")),
    ("contact", _("How to reach the family (only channels the family marked safe)")),
    ("language", _("Preferred language")),
    ("need", _("The need")),
    ("child_age", _("The child's age")),
    ("notes", _("The note below, in the family's words")),
    ("screening_result", _("The result of the screen behind the referral (no answers)")),
]
METHODS = [
    ("verbal", _("Verbally, with staff")),
    ("written", _("Written, signed form")),
    ("portal", _("Through the portal")),
]


class ConsentForm(forms.Form):
    caregiver = forms.ModelChoiceField(
        label=_("Consent given by"), queryset=Caregiver.objects.none(), required=False
    )
    adolescent = forms.BooleanField(
        label=_("The adolescent consents for their own confidential information"), required=False
    )
    shared_items = forms.MultipleChoiceField(
        label=_("What may be shared with the organization"),
        choices=SHARED_ITEMS,
        widget=forms.CheckboxSelectMultiple,
        initial=["name", "contact", "language", "need"],
    )
    notes_to_share = forms.CharField(
        label=_("Note the family agreed to share"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )
    method = forms.ChoiceField(label=_("How consent was given"), choices=METHODS)

    def __init__(self, *args: Any, referral: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["caregiver"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = referral.child.family.caregivers.order_by("-is_primary_contact")
        if referral.is_confidential:
            # The adolescent's own referral: only the adolescent consents (the service refuses
            # a caregiver with the reason), so nothing proposes a caregiver.
            self.fields["adolescent"].initial = True
        elif not self.is_bound:
            field.initial = field.queryset.first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("caregiver") and not cleaned.get("adolescent"):
            raise ValidationError(_("Say who gave consent: a caregiver, or the adolescent."))
        return cleaned


class ChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Change to"))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *allowed]


OUTCOMES = [
    ("", "—"),
    ("need_met", _("Need met")),
    ("partly_met", _("Need partly met")),
    ("not_met", _("Need not met")),
    ("family_declined", _("Family declined")),
    ("unable_to_reach", _("Unable to reach the family")),
]


class PartnerChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New state"))
    reason = forms.CharField(label=_("Reason or note"), max_length=500, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome (when completing)"), choices=OUTCOMES, required=False
    )
    outcome_note = forms.CharField(label=_("What was done"), max_length=1000, required=False)

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *allowed]


def hours_lines(detail: Any) -> list[tuple[str, str, str]]:
    """Opening hours as (day name in the page's language, opens, closes)."""
    from django.utils.dates import WEEKDAYS

    return [
        (
            str(WEEKDAYS[line.weekday]) if line.weekday is not None else line.description,
            line.opens,
            line.closes,
        )
        for line in detail.hours
    ]


class DirectoryForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=[("", "—"), *Need.choices], required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)
    zip_code = forms.CharField(label=_("Near ZIP code"), max_length=10, required=False)
    within_miles = forms.IntegerField(
        label=_("Within (miles)"), min_value=1, max_value=100, initial=10, required=False
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    open_at = forms.DateTimeField(
        label=_("Or open at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    age_years = forms.IntegerField(
        label=_("Child's age (years)"), min_value=0, max_value=25, required=False
    )
    free_only = forms.BooleanField(label=_("Free or low cost only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from medhome.families.languages import language_choices

        field = self.fields["language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *language_choices()]

    def clean_within_miles(self) -> int:
        return self.cleaned_data.get("within_miles") or 10


class CurationForm(forms.Form):
    trusted = forms.BooleanField(label=_("Trusted partner (listed first)"), required=False)
    on_site = forms.BooleanField(
        label=_("Works on site in our clinic (same-day warm hand-off)"), required=False
    )
    note = forms.CharField(
        label=_("Note for colleagues"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FollowUpSettingsForm(forms.Form):
    response_business_days = forms.IntegerField(
        label=_("Business days to wait for the organization's answer"), min_value=1, max_value=30
    )
    urgent_response_hours = forms.IntegerField(
        label=_("Hours to wait for an answer on an urgent referral"), min_value=1, max_value=72
    )
    close_days = forms.IntegerField(
        label=_("Days before an open referral needs a follow-up"), min_value=1, max_value=365
    )
