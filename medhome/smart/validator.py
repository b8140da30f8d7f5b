"""django-oauth-toolkit, taught SMART: the one place tokens are granted and bound.

- Scopes: a token gets what was requested ∩ what the client was registered for (SMART App
  Launch 2.x lets a server grant fewer scopes than asked; the token response says which).
- Every access token, refreshed ones included, gets a TokenContext (practice, launch child,
  organization, capabilities): the principal (principal.py) refuses a token without one.
- Backend Services authenticate with a signed JWT (assertions.py), never a shared secret.
- OpenID Connect: the id_token carries `fhirUser`, the staff member's Practitioner URL.
"""

import hashlib
from typing import Any
from urllib.parse import urlsplit

from oauth2_provider.models import AccessToken, Grant
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauthlib.oauth2.rfc6749 import errors

from .assertions import ASSERTION_TYPE, AssertionRefused, verify_assertion
from .models import ClientKind, GrantContext, SmartClient, TokenContext
from .scopes import CONTEXTS, ResourceScope, parse_scope

FIXED_SCOPES = {
    "openid": "Your identity (OpenID Connect)",
    "fhirUser": "Your FHIR identity: the Practitioner you are",
    "profile": "Your name",
    "launch": "The child the app was launched for from the chart",
    "launch/patient": "A child you choose when the app starts",
    "offline_access": "Keep access after you sign out (a refresh token)",
    "online_access": "Keep access while you are signed in",
}


def token_checksum(raw: str) -> str:
    """How a token is found: only its SHA-256 is stored (RFC 9700 token storage, settings)."""
    return hashlib.sha256(raw.encode()).hexdigest()


ORIGIN_HEADER = "X-Medhome-Origin"


class SmartOAuthLibCore(OAuthLibCore):
    """Passes the request's origin (as Django sees it: allowed host, proxy's scheme) to the
    validator, which knows only the path: the assertion's `aud` and the id_token's `iss`."""

    def extract_headers(self, request: Any) -> dict[str, Any]:
        headers = super().extract_headers(request)
        headers[ORIGIN_HEADER] = request.build_absolute_uri("/").rstrip("/")
        return headers


def origin_of(request: Any) -> str:
    """The origin of an oauthlib request (set by SmartOAuthLibCore)."""
    return request.headers.get(ORIGIN_HEADER, "")


def practitioner_url(origin: str, user: Any, practice_id: Any) -> str | None:
    """The staff member's FHIR identity (`fhirUser`): medhome's Practitioner is one membership
    (medhome/fhir/resources/practitioner.py), so its id is the membership's in the token's
    practice."""
    from medhome.practices.selectors import active_membership

    membership = active_membership(user, practice_id)
    return f"{origin}/fhir/Practitioner/{membership.pk}" if membership else None


def smart_client_of(application: Any) -> SmartClient | None:
    try:
        return application.smart
    except SmartClient.DoesNotExist:
        return None


def _letters(asked: str, allowed: str) -> str:
    return "".join(letter for letter in "cruds" if letter in asked and letter in allowed)


def narrowed(requested: str, allowed: list[ResourceScope]) -> list[str]:
    """A requested resource scope as the client's registration allows it: itself when covered
    (`patient/Patient.rs` under `patient/*.rs`), else only the interactions and types allowed
    (`patient/*.cruds` under `patient/Observation.rs` → `patient/Observation.rs`)."""
    asked = parse_scope(requested)
    if asked is None:
        return []
    granted: list[str] = []
    for scope in allowed:
        if scope.context != asked.context:
            continue
        if scope.resource_type in ("*", asked.resource_type):
            letters = _letters(asked.interactions, scope.interactions)
            if letters == asked.interactions:
                return [requested]
            if letters:
                granted.append(f"{asked.context}/{asked.resource_type}.{letters}")
        elif asked.resource_type == "*":
            letters = _letters(asked.interactions, scope.interactions)
            if letters:
                granted.append(f"{asked.context}/{scope.resource_type}.{letters}")
    wide = [parse_scope(text) for text in granted if "/*." in text]
    return [
        text
        for text in granted
        if "/*." in text
        or not any(w and set(text.rsplit(".", 1)[1]) <= set(w.interactions) for w in wide)
    ]


def grantable(requested: list[str], client: SmartClient) -> list[str]:
    """requested ∩ allowed, in the order asked; `system/` only for a backend or partner client,
    `patient/`, `user/` and the launch scopes only for an app a user launches."""
    words = client.allowed_scopes.split()
    allowed = [scope for scope in map(parse_scope, words) if scope is not None]
    is_app = client.kind == ClientKind.APP
    granted: list[str] = []
    for word in requested:
        if word.split("/", 1)[0] in CONTEXTS:
            if (word.startswith("system/")) == is_app:
                continue
            candidates = narrowed(word, allowed)
        else:
            candidates = [word] if is_app and word in words and word in FIXED_SCOPES else []
        granted.extend(c for c in candidates if c not in granted)
    return granted


class SmartScopes(BaseScopes):
    """Scopes are per client (SmartClient.allowed_scopes), not a fixed list in settings."""

    def get_all_scopes(self) -> dict[str, str]:
        return dict(FIXED_SCOPES)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        client = smart_client_of(application) if application is not None else None
        return client.allowed_scopes.split() if client else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return []


class SmartValidator(OAuth2Validator):
    # The id_token carries fhirUser when the `fhirUser` scope is granted (SMART App Launch 2.x).
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "fhirUser": "fhirUser"}

    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if application is None:
            return None
        client = smart_client_of(application)
        if client is None or client.revoked_at is not None:
            request.client = None
            return None
        return application

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        assertion_type = getattr(request, "client_assertion_type", None)
        if assertion_type is None:
            return super().authenticate_client(request, *args, **kwargs)
        if assertion_type != ASSERTION_TYPE:
            raise errors.InvalidClientError(
                description=f"client_assertion_type must be {ASSERTION_TYPE}", request=request
            )
        token_url = origin_of(request) + urlsplit(request.uri).path
        try:
            client = verify_assertion(request.client_assertion or "", token_url=token_url)
        except AssertionRefused as refused:
            raise errors.InvalidClientError(description=str(refused), request=request) from None
        request.client = client.application
        request.client_id = client.application.client_id
        return True

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs) -> bool:
        smart = smart_client_of(client)
        granted = grantable(list(scopes), smart) if smart else []
        if not granted:
            raise errors.InvalidScopeError(
                description="none of the requested scopes is allowed for this client",
                request=request,
            )
        request.scopes = granted
        return True

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Any:
        grant = super()._create_authorization_code(request, code, expires)
        practice_id = getattr(request, "smart_practice_id", None)
        if practice_id is None:
            raise errors.AccessDeniedError(description="no practice chosen", request=request)
        GrantContext.objects.create(
            grant=grant,
            practice_id=practice_id,
            patient_id=getattr(request, "smart_patient_id", None),
            need_patient_banner=getattr(request, "smart_need_patient_banner", True),
        )
        return grant

    def _context_for(self, request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """The new token's context, and what the token response adds (SMART launch context)."""
        if request.grant_type == "authorization_code":
            grant = Grant.objects.filter(code=request.code, application=request.client).first()
            bound = getattr(grant, "smart_context", None) if grant else None
            if bound is None:
                raise errors.InvalidGrantError(description="unknown authorization code")
            extra: dict[str, Any] = {"need_patient_banner": bound.need_patient_banner}
            if bound.patient_id:
                extra["patient"] = str(bound.patient_id)
            return {"practice_id": bound.practice_id, "patient_id": bound.patient_id}, extra
        if request.grant_type == "refresh_token":
            previous = getattr(request.refresh_token_instance, "access_token", None)
            old = TokenContext.objects.filter(access_token=previous).first() if previous else None
            if old is None:
                raise errors.InvalidGrantError(description="the refresh token's context is gone")
            extra = {"patient": str(old.patient_id)} if old.patient_id else {}
            return {
                "practice_id": old.practice_id,
                "patient_id": old.patient_id,
                "organization_id": old.organization_id,
                "capabilities": old.capabilities,
            }, extra
        smart = smart_client_of(request.client)
        if smart is None:
            raise errors.InvalidClientError(description="not a registered SMART client")
        return {
            "practice_id": smart.practice_id,
            "organization_id": smart.organization_id,
            "capabilities": list(smart.capabilities),
        }, {}

    def save_bearer_token(self, token: dict, request: Any, *args: Any, **kwargs: Any) -> Any:
        context, extra = self._context_for(request)
        result = super().save_bearer_token(token, request, *args, **kwargs)
        access = AccessToken.objects.get(token_checksum=token_checksum(token["access_token"]))
        TokenContext.objects.create(access_token=access, **context)
        token.update(extra)
        return result

    def get_oidc_issuer_endpoint(self, request: Any) -> str:
        return f"{origin_of(request)}/fhir"

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        if request.user is None or "fhirUser" not in (request.scopes or ()):
            return {}
        url = practitioner_url(origin_of(request), request.user, self._claims_practice(request))
        return {"fhirUser": url} if url else {}

    def _claims_practice(self, request: Any) -> Any:
        """The practice of the token the claims are about: the code's or the refreshed token's
        (the id_token), or the bearer token's (the userinfo endpoint)."""
        if request.grant_type in ("authorization_code", "refresh_token"):
            return self._context_for(request)[0]["practice_id"]
        token = getattr(request, "access_token", None)
        if not isinstance(token, AccessToken):
            return None
        context = TokenContext.objects.filter(access_token=token).first()
        return context.practice_id if context else None
