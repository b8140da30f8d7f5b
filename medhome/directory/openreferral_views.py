"""The practice's Open Referral API page (thin: openreferral_access decides and audits).

A partner's token is shown once, on the answer to the POST that issued it (no redirect, no
message in the session, `Cache-Control: no-store`): never in a URL, a log or a later page.
"""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest

from .models import PublishMode
from .openreferral_access import issue_token, mode_of, revoke_token, set_mode, tokens_of


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=gettext_lazy("Who may read the API"),
        choices=PublishMode.choices,
        widget=forms.RadioSelect,
    )


class TokenForm(forms.Form):
    partner = forms.CharField(
        label=gettext_lazy("Partner"),
        max_length=200,
        help_text=gettext_lazy("Who will read with the token, for example the 211 line."),
    )


def _page(
    request: AuthedRequest,
    *,
    mode_form: ModeForm | None = None,
    token_form: TokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = request.actor.practice
    base = reverse("openreferral:info", kwargs={"practice_id": practice.pk})
    return render(
        request,
        "directory/openreferral_settings.html",
        {
            "base_url": request.build_absolute_uri(base),
            "mode": mode_of(practice),
            "mode_form": mode_form or ModeForm(initial={"mode": mode_of(practice)}),
            "token_form": token_form or TokenForm(),
            "tokens": tokens_of(practice),
        },
        status=status,
    )


@requires(Capability.DIRECTORY_CURATE)
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    form = ModeForm(request.POST)
    if not form.is_valid():
        return _page(request, mode_form=form, status=400)
    set_mode(request.actor, form.cleaned_data["mode"], clock.now())
    messages.success(request, _("Saved: who may read the practice's Open Referral API."))
    return redirect("connections:openreferral")


@requires(Capability.DIRECTORY_CURATE)
@require_POST
def issue(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, token_form=form, status=400)
    row, token = issue_token(request.actor, form.cleaned_data["partner"], clock.now())
    practice = request.actor.practice
    base = reverse("openreferral:info", kwargs={"practice_id": practice.pk})
    response = render(
        request,
        "directory/openreferral_token.html",
        {
            "row": row,
            "token": token,
            "base_url": request.build_absolute_uri(base),
            "mode": mode_of(practice),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@requires(Capability.DIRECTORY_CURATE)
@require_POST
def revoke(request: AuthedRequest, token_id: UUID) -> HttpResponse:
    try:
        row = revoke_token(request.actor, token_id, clock.now())
    except ObjectDoesNotExist as missing:
        raise Http404 from missing
    messages.success(request, _("The token of %(partner)s is revoked.") % {"partner": row.partner})
    return redirect("connections:openreferral")
