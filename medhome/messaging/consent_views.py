"""The staff form that records a caregiver's consent to texts or email, or its withdrawal, with
the decision in force and its history. Thin: parse, one domain call, render."""

from uuid import UUID

import phonenumbers
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.forms import attach_errors
from medhome.core.requests import AuthedRequest
from medhome.families.models import Caregiver
from medhome.families.selectors import access_child
from medhome.families.services import record_opened

from . import consent_selectors
from .models import ConsentChannel, ConsentMethod
from .services.consents import record_consent

AGREES = (("yes", _("Agrees")), ("no", _("Does not agree, or withdraws")))


def text_refusal(caregiver: Caregiver) -> str:
    """Why a consent to texts cannot be recorded for this caregiver's number ("" when it can).
    Only a number the numbering plan says is fixed-line is refused: most US numbers are
    "fixed line or mobile" and stay allowed."""
    phone = caregiver.phone
    if not phone:
        return gettext("There is no phone number on file: record a mobile number first.")
    if phonenumbers.number_type(phone) == phonenumbers.PhoneNumberType.FIXED_LINE:
        return gettext(
            "This looks like a landline: texts cannot reach it. Record a mobile number first."
        )
    return ""


class ContactConsentForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("For"), choices=ConsentChannel.choices, widget=forms.RadioSelect
    )
    granted = forms.ChoiceField(label=_("Decision"), choices=AGREES, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("How the family said so"), choices=ConsentMethod.choices)

    def __init__(self, *args: object, caregiver: Caregiver, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.caregiver = caregiver

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("granted") != "yes":
            return cleaned  # a withdrawal is always recorded
        if cleaned.get("channel") == ConsentChannel.TEXT and (
            reason := text_refusal(self.caregiver)
        ):
            self.add_error("channel", reason)
        if cleaned.get("channel") == ConsentChannel.EMAIL and not self.caregiver.email:
            self.add_error(
                "channel",
                gettext("There is no email address on file: record one first."),
            )
        return cleaned


@requires(Capability.FAMILY_EDIT)
@require_http_methods(["GET", "POST"])
def contact_consent(request: AuthedRequest, child_id: UUID, caregiver_id: UUID) -> HttpResponse:
    actor = request.actor
    child = access_child(actor, child_id, need=Capability.FAMILY_EDIT)
    caregiver = consent_selectors.caregiver_of_child(actor, child, caregiver_id)
    form = ContactConsentForm(
        request.POST if request.method == "POST" else None, caregiver=caregiver
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record_consent(
                    actor=actor,
                    caregiver=caregiver,
                    channel=form.cleaned_data["channel"],
                    granted=form.cleaned_data["granted"] == "yes",
                    method=form.cleaned_data["method"],
                    at=clock.now(),
                )
            except ValidationError as refused:
                attach_errors(form, refused)
            else:
                messages.success(request, gettext("Recorded. The decision in force is below."))
                return redirect(
                    "messaging:contact_consent", child_id=child.pk, caregiver_id=caregiver.pk
                )
        status = 400
    record_opened(actor=actor, record_of=caregiver, at=clock.now())
    history = consent_selectors.consent_history(actor, caregiver)
    return render(
        request,
        "messaging/contact_consent.html",
        {
            "child": child,
            "caregiver": caregiver,
            "form": form,
            "history": history,
            "in_force": consent_selectors.in_force(history),
        },
        status=status,
    )
