"""SMART App Launch 2.x: discovery, the authorize step (EHR and standalone launch), the token
endpoint with SMART's errors, and the chart's "Launch app" action.

Spec: https://hl7.org/fhir/smart-app-launch/app-launch.html (authorize parameters, `aud`,
`launch`, PKCE S256) and conformance.html (/.well-known/smart-configuration).
"""

import secrets
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.views import TokenView
from oauth2_provider.views.mixins import OAuthLibMixin

from medhome.accounts.roles import Capability
from medhome.core.decorators import requires
from medhome.core.params import optional_id, parse_id
from medhome.families.selectors import access_child, search_children

from . import services
from .models import ClientKind
from .validator import FIXED_SCOPES, smart_client_of

SESSION_KEY = "smart_authorize"
KEPT = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
)


def fhir_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def smart_configuration(request: HttpRequest) -> JsonResponse:
    """SMART App Launch 2.x discovery (conformance.html#metadata)."""
    origin = request.build_absolute_uri("/").rstrip("/")
    scopes = sorted(FIXED_SCOPES) + ["patient/*.rs", "user/*.rs", "user/*.cruds", "system/*.rs"]
    capabilities = [
        "launch-ehr",
        "launch-standalone",
        "client-public",
        "client-confidential-symmetric",
        "client-confidential-asymmetric",
        "context-ehr-patient",
        "context-standalone-patient",
        "context-banner",
        "permission-v2",
        "permission-patient",
        "permission-user",
        "permission-offline",
    ]
    if settings.OAUTH2_PROVIDER.get("OIDC_ENABLED"):
        capabilities.append("sso-openid-connect")
    body = {
        "issuer": f"{origin}/fhir",
        "jwks_uri": origin + reverse("smart:jwks"),
        "authorization_endpoint": origin + reverse("smart:authorize"),
        "token_endpoint": origin + reverse("smart:token"),
        # "none": a public client (client-public) names itself and proves the code with PKCE.
        "token_endpoint_auth_methods_supported": [
            "private_key_jwt",
            "client_secret_basic",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "revocation_endpoint": origin + reverse("smart:revoke"),
        "introspection_endpoint": origin + reverse("smart:introspect"),
        "userinfo_endpoint": origin + reverse("smart:userinfo"),
        "capabilities": capabilities,
    }
    return JsonResponse(body)


def openid_configuration(request: HttpRequest) -> JsonResponse:
    """OpenID Connect discovery at the issuer (the FHIR base), for `sso-openid-connect`."""
    origin = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(
        {
            "issuer": f"{origin}/fhir",
            "authorization_endpoint": origin + reverse("smart:authorize"),
            "token_endpoint": origin + reverse("smart:token"),
            "userinfo_endpoint": origin + reverse("smart:userinfo"),
            "jwks_uri": origin + reverse("smart:jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "fhirUser", "profile"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "fhirUser"],
            "code_challenge_methods_supported": ["S256"],
        }
    )


def _refuse(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "smart/refused.html", {"message": message}, status=status)


def _redirect_error(credentials: dict[str, Any], error: str, description: str) -> HttpResponse:
    query = {"error": error, "error_description": description}
    if credentials.get("state"):
        query["state"] = credentials["state"]
    uri = credentials["redirect_uri"]
    separator = "&" if "?" in uri else "?"
    return OAuth2ResponseRedirect(uri + separator + urlencode(query), ["http", "https"])


@method_decorator([never_cache, requires()], name="dispatch")
class AuthorizeView(OAuthLibMixin, View):
    """The authorize step: a signed-in staff member working in a practice (2-step sign-in as
    every page) approves the app, for the launched child (EHR launch) or one they choose
    (standalone `launch/patient`)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except FatalClientError as error:
            return _refuse(request, error.oauthlib_error.description or _("Unknown app."))
        except OAuthToolkitError as error:
            oauth = error.oauthlib_error
            if not oauth.redirect_uri:
                return _refuse(request, oauth.description or oauth.error)
            return OAuth2ResponseRedirect(oauth.in_uri(oauth.redirect_uri), ["http", "https"])
        actor = request.actor  # type: ignore[attr-defined]
        client = smart_client_of(credentials["request"].client)
        if client is None or client.kind != ClientKind.APP or client.practice != actor.practice:
            return _refuse(request, _("This app is not registered with the practice you work in."))
        credentials = {key: credentials[key] for key in KEPT if credentials.get(key)}
        if credentials.get("code_challenge_method") != "S256":
            return _redirect_error(credentials, "invalid_request", "PKCE with S256 is required")
        if request.GET.get("aud", "").rstrip("/") != fhir_base(request):
            return _redirect_error(credentials, "invalid_request", "aud must be the FHIR base URL")
        launch = None
        if request.GET.get("launch"):
            launch = services.find_launch(actor, client, request.GET["launch"])
            if launch is None or "launch" not in scopes:
                return _redirect_error(credentials, "invalid_request", "unknown or used launch")
        elif "launch" in scopes:
            return _redirect_error(credentials, "invalid_request", "scope launch needs a launch")
        key = secrets.token_urlsafe(16)
        pending = request.session.get(SESSION_KEY, {})
        pending[key] = {
            "scopes": scopes,
            "credentials": credentials,
            "launch": launch.pk if launch else None,
        }
        request.session[SESSION_KEY] = dict(list(pending.items())[-5:])
        return self._page(request, key, client, scopes, launch)

    def _page(self, request, key, client, scopes, launch, error="") -> HttpResponse:
        actor = request.actor
        query = request.GET.get("q", "")
        pick = launch is None and "launch/patient" in scopes
        return render(
            request,
            "smart/authorize.html",
            {
                "key": key,
                "client": client,
                "scopes": scopes,
                "launch": launch,
                "pick": pick,
                "query": query,
                "children": search_children(actor, query) if pick else [],
                "can_pick": actor.can(Capability.CHART_READ),
                "error": error,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = request.actor  # type: ignore[attr-defined]
        pending = request.session.get(SESSION_KEY, {})
        stored = pending.pop(request.POST.get("key", ""), None)
        if stored is None:
            return _refuse(
                request, _("This sign-in request has expired. Start again from the app.")
            )
        request.session[SESSION_KEY] = pending
        credentials = dict(stored["credentials"])
        scopes: list[str] = stored["scopes"]
        patient_id = None
        if "allow" in request.POST:
            if stored["launch"]:
                client = services.client_by_client_id(credentials["client_id"])
                launch = services.find_launch(actor, client, stored["launch"])
                if launch is None or not services.use_launch(launch):
                    return _redirect_error(credentials, "invalid_request", "unknown or used launch")
                patient_id = launch.patient_id
            elif "launch/patient" in scopes:
                chosen = optional_id(request.POST, "patient")
                if chosen is None:
                    return _redirect_error(credentials, "access_denied", "no patient chosen")
                patient_id = access_child(actor, chosen, need=Capability.CHART_READ).pk
            credentials["smart_practice_id"] = actor.practice.pk
            credentials["smart_patient_id"] = patient_id
            credentials["smart_need_patient_banner"] = True
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request, " ".join(scopes), credentials, "allow" in request.POST
            )
        except OAuthToolkitError as error:
            oauth = error.oauthlib_error
            return OAuth2ResponseRedirect(oauth.in_uri(oauth.redirect_uri), ["http", "https"])
        return OAuth2ResponseRedirect(uri, ["http", "https"])


class SmartTokenView(TokenView):
    """DOT's token endpoint; the SMART additions (patient, need_patient_banner, Backend
    Services' signed JWT) come from the validator (validator.py)."""


@requires(Capability.CHART_READ)
def launch(request: HttpRequest, child_id: UUID) -> HttpResponse:
    """The chart's "Launch app": the practice's apps, and on POST an EHR launch of one of them
    for this child (redirects to the app's launch URL with `iss` and `launch`)."""
    actor = request.actor  # type: ignore[attr-defined]
    child = access_child(actor, child_id, need=Capability.CHART_READ)
    clients = services.launchable_clients(actor)
    if request.method == "POST":
        chosen = parse_id(request.POST.get("client", ""), name="client")
        client = next((c for c in clients if c.pk == chosen), None)
        if client is None:
            raise Http404
        context = services.start_launch(actor, client, child.pk)
        separator = "&" if "?" in client.launch_url else "?"
        query = urlencode({"iss": fhir_base(request), "launch": context.pk})
        return HttpResponseRedirect(client.launch_url + separator + query)
    return render(request, "smart/launch.html", {"child": child, "clients": clients})
