from django import forms
from django.utils.translation import gettext_lazy as _

from .models import REASON_MAX_LENGTH, REVIEW_NOTE_MAX_LENGTH, ReasonCategory


class GrantForm(forms.Form):
    """What the person says; the rules (shortest reason, categories) are the service's."""

    reason_category = forms.ChoiceField(
        label=_("Why do you need this child's record now?"),
        choices=ReasonCategory.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose why you need access to this child now.")},
    )
    reason_text = forms.CharField(
        label=_("In your own words"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX_LENGTH}),
        required=False,
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REVIEW_NOTE_MAX_LENGTH}),
        required=False,
    )
