from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EventKind


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    started_at = forms.DateTimeField(
        label=_("Started"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label=_("Ended"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    facility = forms.CharField(label=_("Facility"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes and recommendations"), required=False, widget=forms.Textarea
    )


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class ResolveForm(forms.Form):
    child = forms.UUIDField(label=_("Child"))
