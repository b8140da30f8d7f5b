"""Tokens for the FHIR API's tests, minted as the SMART server would mint them (one OAuth
application, one access token with its scopes, and its TokenContext), without the flow. The
flows themselves are tested end to end with an OAuth client library in medhome/smart/tests."""

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from medhome.smart.models import ClientKind, SmartClient, TokenContext


def smart_client(
    *,
    practice: Any = None,
    organization: Any = None,
    kind: str = ClientKind.APP,
    name: str = "Test app",
    allowed_scopes: str = "user/*.cruds patient/*.cruds system/*.rs launch openid fhirUser",
    capabilities: tuple[str, ...] = (),
) -> SmartClient:
    grant = (
        Application.GRANT_CLIENT_CREDENTIALS
        if kind != ClientKind.APP
        else Application.GRANT_AUTHORIZATION_CODE
    )
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=grant,
        redirect_uris="http://127.0.0.1:9999/callback",
        algorithm=Application.RS256_ALGORITHM if kind == ClientKind.APP else "",
    )
    return SmartClient.objects.create(
        application=application,
        practice=practice,
        organization=organization,
        kind=kind,
        name=name,
        allowed_scopes=allowed_scopes,
        capabilities=list(capabilities),
        created_at=timezone.now(),
    )


def issue_token(
    *,
    scope: str,
    practice: Any = None,
    user: Any = None,
    patient: Any = None,
    organization: Any = None,
    capabilities: tuple[str, ...] = (),
    client: SmartClient | None = None,
    expires_in: int = 3600,
) -> str:
    """A bearer token for the API: `user` with `practice` (a user/ or patient/ token), no user
    (a backend service of `practice` acting with `capabilities`), or `organization` (a partner's
    system)."""
    if client is None:
        kind = (
            ClientKind.PARTNER
            if organization is not None
            else ClientKind.APP
            if user is not None
            else ClientKind.BACKEND
        )
        client = smart_client(
            practice=practice, organization=organization, kind=kind, capabilities=capabilities
        )
    raw = secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        application=client.application,
        token=raw,
        expires=timezone.now() + timedelta(seconds=expires_in),
        scope=scope,
    )
    TokenContext.objects.create(
        access_token=token,
        practice=practice,
        patient=patient,
        organization=organization,
        capabilities=list(capabilities or client.capabilities),
    )
    return raw


def bearer(token: str) -> dict[str, str]:
    """Headers for Django's test client."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
