"""The partner endpoint form: the fields only; endpoints.save_endpoint validates and saves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.directory.models import Organization

from .endpoints import SECRET_PREFIX


class EndpointForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=True
    )
    base_url = forms.CharField(
        label=_("FHIR base URL"),
        max_length=500,
        help_text=_("The partner's FHIR server, for example https://fhir.partner.example/r4"),
    )
    token_env = forms.CharField(
        label=_("Name of the bearer-token secret"),
        max_length=100,
        help_text=_(
            "The secret itself is set on the server by its operator, never here (for example "
            "%(prefix)sPANTRY_TOKEN)."
        )
        % {"prefix": SECRET_PREFIX},
    )
    notify_secret_env = forms.CharField(
        label=_("Name of the notification secret"),
        max_length=100,
        required=False,
        help_text=_("The secret the partner's server sends with its notifications (optional)."),
    )

    def __init__(self, *args, organizations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            field = self.fields["organization"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organizations
