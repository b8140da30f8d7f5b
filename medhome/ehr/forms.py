from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PANEL_BYTES = 20_000_000


class PanelUploadForm(forms.Form):
    file = forms.FileField(label=_("Panel spreadsheet (CSV, UTF-8)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PANEL_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
