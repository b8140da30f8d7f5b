from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.practices.models import Site
from medhome.practices.selectors import clinicians_of
from medhome.visits.models import Modality, VisitKind


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of visit"), choices=VisitKind.choices)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    modality = forms.ChoiceField(label=_("How"), choices=Modality.choices)
    clinician = forms.ChoiceField(label=_("Clinician"), required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)

    def __init__(self, *args: Any, practice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinician = self.fields["clinician"]
        assert isinstance(clinician, forms.ChoiceField)
        clinician.choices = [("", "—")] + [
            (str(m.user_id), str(m.user)) for m in clinicians_of(practice)
        ]
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        site.queryset = Site.objects.filter(practice=practice)
