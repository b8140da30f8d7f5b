from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Role


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
