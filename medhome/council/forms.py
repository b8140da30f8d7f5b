"""The council's staff forms: parse and show errors; the rules live in services.py."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medhome.core.languages import language_name

from . import services
from .models import (
    DETAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    CompensationForm,
    ConsentMethod,
    Meeting,
    MeetingFormat,
    Member,
    ReachBy,
    Recommendation,
    RecommendationStatus,
)
from .states import allowed


class DateInput(forms.DateInput):
    input_type = "date"


class ServiceErrors:
    """Put a service's refusal on the fields it names, the rest above the form."""

    def add_service_errors(self: Any, refused: ValidationError) -> None:
        if not hasattr(refused, "error_dict"):
            self.add_error(None, refused)
            return
        for field, messages in refused.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class CouncilForm(ServiceErrors, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=NAME_MAX_LENGTH)
    network_wide = forms.BooleanField(
        label=gettext_lazy("Across the network (its recommendations reach every practice)"),
        required=False,
    )
    started_on = forms.DateField(label=gettext_lazy("Started on"), widget=DateInput)


class MemberForm(ServiceErrors, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("The name they want used"), max_length=NAME_MAX_LENGTH, required=False
    )
    language = forms.CharField(
        label=gettext_lazy("Language"),
        max_length=35,
        required=False,
        help_text=gettext_lazy("An ISO 639 code such as “es” or “vi”."),
    )
    reach_by = forms.ChoiceField(
        label=gettext_lazy("How they want to be reached"), choices=ReachBy.choices
    )
    contact_detail = forms.CharField(
        label=gettext_lazy("Number, email or address"),
        max_length=DETAIL_MAX_LENGTH,
        required=False,
    )
    consent_given_on = forms.DateField(label=gettext_lazy("Agreed to serve on"), widget=DateInput)
    consent_method = forms.ChoiceField(
        label=gettext_lazy("How they agreed"), choices=ConsentMethod.choices
    )
    caregiver = forms.UUIDField(required=False, widget=forms.HiddenInput)


class WithdrawForm(ServiceErrors, forms.Form):
    withdrawn_on = forms.DateField(label=gettext_lazy("Withdrew on"), widget=DateInput)


class MeetingForm(ServiceErrors, forms.Form):
    """The meeting, and for each current member: came or not, and what they were paid."""

    held_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    format = forms.ChoiceField(label=gettext_lazy("Where"), choices=MeetingFormat.choices)
    place = forms.CharField(
        label=gettext_lazy("Place or video link"), max_length=DETAIL_MAX_LENGTH, required=False
    )
    agenda = forms.CharField(
        label=gettext_lazy("Agenda topics, one a line"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        forms_of_payment = [("", _("Not paid")), *CompensationForm.choices]
        for member in members:
            key = member.pk.hex
            self.fields[f"came_{key}"] = forms.BooleanField(
                label=_("%(who)s came") % {"who": member.name}, required=False
            )
            self.fields[f"amount_{key}"] = forms.DecimalField(
                label=_("Amount paid (USD)"), required=False, max_digits=8, decimal_places=2
            )
            self.fields[f"form_{key}"] = forms.ChoiceField(
                label=_("Paid as"), choices=forms_of_payment, required=False
            )
            self.fields[f"paid_on_{key}"] = forms.DateField(
                label=_("Paid on"), required=False, widget=DateInput
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "member": member,
                "came": self[f"came_{member.pk.hex}"],
                "amount": self[f"amount_{member.pk.hex}"],
                "form": self[f"form_{member.pk.hex}"],
                "paid_on": self[f"paid_on_{member.pk.hex}"],
            }
            for member in self.members
        ]

    def meeting_fields(self) -> list[Any]:
        return [self[name] for name in ("held_on", "format", "place", "agenda")]

    def attended(self) -> list[services.Attended]:
        data = self.cleaned_data
        rows = []
        for member in self.members:
            key = member.pk.hex
            if not data.get(f"came_{key}"):
                continue
            amount = data.get(f"amount_{key}")
            rows.append(
                services.Attended(
                    member=member,
                    amount=amount,
                    form=data.get(f"form_{key}") or "",
                    # Paid at the meeting unless staff say otherwise.
                    paid_on=data.get(f"paid_on_{key}") or (data["held_on"] if amount else None),
                )
            )
        return rows


class RecommendationForm(ServiceErrors, forms.Form):
    """The request and the practice's answer in each language families speak."""

    def __init__(
        self,
        *args: Any,
        languages: list[str],
        members: list[Member] | None = None,
        meetings: list[Meeting] | None = None,
        recommendation: Recommendation | None = None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = dict(kwargs.pop("initial", None) or {})
        if recommendation is not None:
            for text in recommendation.texts.all():
                initial[f"asked_{text.language}"] = text.asked
                initial[f"answer_{text.language}"] = text.answer
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.languages = languages
        self.creating = recommendation is None
        if self.creating:
            self.fields["raised_on"] = forms.DateField(label=_("Raised on"), widget=DateInput)
            self.fields["meeting"] = forms.ChoiceField(
                label=_("Raised at the meeting of"),
                required=False,
                choices=[("", _("Not at a meeting"))]
                + [(m.pk.hex, str(m.held_on)) for m in meetings or []],
            )
            self.fields["raised_by"] = forms.MultipleChoiceField(
                label=_("Raised by"),
                required=False,
                choices=[(m.pk.hex, m.name) for m in members or []],
                widget=forms.CheckboxSelectMultiple,
            )
        for code in languages:
            name = language_name(code)
            self.fields[f"asked_{code}"] = forms.CharField(
                label=_("What families asked for, in %(language)s") % {"language": name},
                max_length=NAME_MAX_LENGTH * 2,
                required=False,
            )
            self.fields[f"answer_{code}"] = forms.CharField(
                label=_("What we did, in %(language)s") % {"language": name},
                max_length=TEXT_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def texts(self) -> list[services.Text]:
        return [
            services.Text(
                language=code,
                asked=self.cleaned_data.get(f"asked_{code}") or "",
                answer=self.cleaned_data.get(f"answer_{code}") or "",
            )
            for code in self.languages
        ]

    def language_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "language": language_name(code),
                "asked": self[f"asked_{code}"],
                "answer": self[f"answer_{code}"],
            }
            for code in self.languages
        ]


class StatusForm(forms.Form):
    """Offers the moves allowed from the current status; any status is parsed, so a move the
    table refuses gets the service's own words rather than "not a valid choice"."""

    status = forms.ChoiceField(
        label=gettext_lazy("New status"), choices=RecommendationStatus.choices
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = [(value, RecommendationStatus(value).label) for value in allowed(current)]
