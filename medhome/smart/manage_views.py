"""The practice admin's SMART apps page: list, register, revoke (`apps.manage`)."""

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from oauth2_provider.settings import oauth2_settings

from medhome.accounts.roles import Capability
from medhome.core.decorators import requires

from . import services
from .models import ClientKind

KINDS = [(ClientKind.APP, ClientKind.APP.label), (ClientKind.BACKEND, ClientKind.BACKEND.label)]


class RegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=KINDS)
    public = forms.BooleanField(
        label=gettext_lazy(
            "Public app: it runs in a browser or on a phone and cannot keep a secret "
            "(no client secret; each sign-in is proved with PKCE)"
        ),
        required=False,
    )
    launch_url = forms.URLField(label=gettext_lazy("Launch URL"), required=False)
    redirect_uris = forms.CharField(
        label=gettext_lazy("Redirect URIs (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    allowed_scopes = forms.CharField(
        label=gettext_lazy("Allowed scopes (space-separated SMART scopes)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="launch launch/patient openid fhirUser patient/*.rs",
    )
    jwks = forms.CharField(
        label=gettext_lazy("Public key set (JWKS), backend services only"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    capabilities = forms.MultipleChoiceField(
        label=gettext_lazy("What a backend service may do (no user, no role)"),
        choices=[
            (Capability.CHART_READ, gettext_lazy("Read the panel's charts")),
            (Capability.SCREENING_RESULTS, gettext_lazy("Read screening results")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind is None:
            return data
        try:
            data["allowed_scopes"] = services.clean_scopes(data.get("allowed_scopes", ""), kind)
        except ValidationError as error:
            self.add_error("allowed_scopes", error)
        if kind == ClientKind.APP:
            uris = data.get("redirect_uris", "").split()
            if not uris:
                self.add_error("redirect_uris", _("An app needs at least one redirect URI."))
            schemes = oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
            for uri in uris:
                try:
                    forms.URLField().clean(uri)
                except ValidationError:
                    self.add_error("redirect_uris", _("Not a URL: %s") % uri)
                    continue
                if urlsplit(uri).scheme not in schemes:
                    self.add_error("redirect_uris", _("A redirect URI must use https: %s") % uri)
            data["jwks"] = None
        elif data.get("public"):
            self.add_error("public", _("Only an app a user launches can be a public client."))
        else:
            try:
                data["jwks"] = services.clean_jwks(data.get("jwks", ""))
            except ValidationError as error:
                self.add_error("jwks", error)
        return data


@requires(Capability.APPS_MANAGE)
def apps(request: HttpRequest) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    form = RegisterForm(request.POST or None)
    registered = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registered = services.register_client(
            actor,
            name=data["name"],
            kind=data["kind"],
            allowed_scopes=data["allowed_scopes"],
            launch_url=data.get("launch_url", ""),
            redirect_uris=data.get("redirect_uris", ""),
            jwks=data.get("jwks"),
            capabilities=tuple(data.get("capabilities") or ()),
            public=bool(data.get("public")),
        )
        form = RegisterForm()
    status = 400 if request.method == "POST" and registered is None else 200
    return render(
        request,
        "smart/apps.html",
        {"clients": services.practice_clients(actor), "form": form, "registered": registered},
        status=status,
    )


@require_POST
@requires(Capability.APPS_MANAGE)
def revoke(request: HttpRequest, client_id: UUID) -> HttpResponse:
    actor = request.actor  # type: ignore[attr-defined]
    client = services.access_client(actor, client_id)
    services.revoke_client(actor, client)
    messages.success(
        request, _("%(name)s is revoked: its tokens no longer work.") % {"name": client.name}
    )
    return redirect("smart:apps")
