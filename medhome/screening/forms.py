from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from medhome.families.languages import language_choices
from medhome.families.models import Caregiver, Child
from medhome.families.vocabulary import Channel
from medhome.instruments.definitions import Instrument, Respondent

from .due import Choice


def answers_from(data: Mapping[str, Any], instrument: Instrument) -> dict[str, str]:
    """The posted answers, keyed by linkId: the one parsing path of the family's phone, the
    clinic tablet and staff entry.

    A field left out is "not answered", not cleared. A multi-select item (AHC HRSN item 2) is
    every box ticked, comma-joined (`getlist`: `get` would keep only the last box); a posted form
    with none of its boxes ticked sends nothing for it, so there it is cleared, as the family
    unticked them. A plain dict (tests, services) may give a multi-select answer as a list."""
    answers = {}
    for item in instrument.items:
        key = f"item-{item.link_id}"
        if item.multiple and hasattr(data, "getlist"):
            answers[item.link_id] = _joined(data.getlist(key))
        elif key in data:
            value = data.get(key, "")
            answers[item.link_id] = (
                _joined(value) if isinstance(value, list | tuple) else str(value).strip()
            )
    return answers


def _joined(values: Any) -> str:
    return ",".join(code for code in (str(v).strip() for v in values) if code)


class SendForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label=_("Screeners"), widget=forms.CheckboxSelectMultiple, required=False
    )
    caregiver: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Send to"), queryset=Caregiver.objects.none(), empty_label=None
    )
    language = forms.ChoiceField(
        label=_("Language of the link"),
        help_text=_(
            "Family pages are in English and Spanish. In another language the family sees them "
            "in English: offer an interpreter, or give the screeners at the visit."
        ),
    )
    channel = forms.ChoiceField(label=_("How the family gets it"), choices=Channel.choices)
    override_reason = forms.CharField(
        label=_("Reason, if sending a screener that is not due"),
        required=False,
        max_length=300,
        widget=forms.TextInput,
    )

    def __init__(self, *args: Any, child: Child, choices: list[Choice], **kwargs: Any) -> None:
        caregivers = child.family.caregivers.order_by("-is_primary_contact", "given_name")
        first = caregivers.first()
        kwargs.setdefault(
            "initial",
            {
                "instruments": [c.value for c in choices if c.preselected],
                "caregiver": first,
                "language": first.preferred_language if first else child.preferred_language,
                "channel": first.preferred_channel if first else Channel.TEXT,
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["instruments"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (c.value, f"{c.instrument.name}" + ("" if c.due else " *"))
            for c in choices
            if c.family_ok and c.respondent == Respondent.CAREGIVER
        ]
        caregiver_field = self.fields["caregiver"]
        assert isinstance(caregiver_field, forms.ModelChoiceField)
        caregiver_field.queryset = caregivers
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = language_choices()


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label=_("What was done"),
        help_text=_(
            "For example: spoke with the parent by phone, safety plan made, warm hand-off to "
            "behavioral health."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class AlertSettingsForm(forms.Form):
    acknowledging_roles = forms.MultipleChoiceField(
        label=_("Roles that may acknowledge a critical alert"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Never the person who keyed the answers in, whatever the role."),
    )
    on_call_clinician = forms.ChoiceField(
        label=_("On-call clinician (an unacknowledged alert escalates to them)"),
        choices=[],
        required=False,
    )

    def __init__(self, *args, roles, clinicians, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles_field = cast(forms.ChoiceField, self.fields["acknowledging_roles"])
        on_call_field = cast(forms.ChoiceField, self.fields["on_call_clinician"])
        roles_field.choices = roles
        on_call_field.choices = [
            ("", _("The lead pediatrician (default)")),
            *clinicians,
        ]
