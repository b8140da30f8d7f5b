"""SMART apps of a practice: register, launch from a chart, revoke (all tokens at once)."""

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core import clock
from medhome.core.actor import Actor
from medhome.families.selectors import access_child

from .models import ClientKind, LaunchContext, SmartClient
from .scopes import CONTEXTS, parse_scope

APP_SCOPES = {"openid", "fhirUser", "profile", "launch", "launch/patient", "offline_access"}


def practice_clients(actor: Actor) -> list[SmartClient]:
    return list(
        SmartClient.objects.filter(practice=actor.practice)
        .select_related("application")
        .order_by("revoked_at", "name")
    )


def access_client(actor: Actor, client_id: UUID) -> SmartClient:
    """One of the actor's practice's clients, or 404 (another practice's id included)."""
    client = (
        SmartClient.objects.select_related("application")
        .filter(pk=client_id, practice=actor.practice)
        .first()
    )
    if client is None:
        raise Http404
    return client


def clean_scopes(text: str, kind: str) -> str:
    """The allowed scopes as registered: each a SMART v2 resource scope or a launch/OIDC scope."""
    words = text.split()
    bad = []
    for word in words:
        if word in APP_SCOPES and kind == ClientKind.APP:
            continue
        scope = parse_scope(word) if word.split("/", 1)[0] in CONTEXTS else None
        if scope is None or (scope.context == "system") == (kind == ClientKind.APP):
            bad.append(word)
    if bad:
        raise ValidationError(_("Not a scope this kind of app may have: %s") % " ".join(bad))
    if not words:
        raise ValidationError(_("Give at least one scope."))
    return " ".join(dict.fromkeys(words))


def clean_jwks(text: str) -> dict[str, Any]:
    """A JWKS (RFC 7517) of public RSA or EC keys, each with a kid."""
    try:
        jwks = json.loads(text)
    except ValueError as error:
        raise ValidationError(_("The key set is not valid JSON.")) from error
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ValidationError(_('The key set needs a "keys" list with at least one key.'))
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") not in ("RSA", "EC") or not key.get("kid"):
            raise ValidationError(_("Each key needs a kid and kty RSA or EC."))
        if "d" in key:
            raise ValidationError(
                _("Paste the public keys only: this key set holds a private key.")
            )
    return jwks


@dataclass(frozen=True)
class Registered:
    client: SmartClient
    client_secret: str  # shown once; stored hashed


@transaction.atomic
def register_client(
    actor: Actor,
    *,
    name: str,
    kind: str,
    allowed_scopes: str,
    launch_url: str = "",
    redirect_uris: str = "",
    jwks: dict[str, Any] | None = None,
    capabilities: tuple[str, ...] = (),
    public: bool = False,
) -> Registered:
    """A SMART app (confidential with a client secret, or `public`: an app in a browser or on a
    phone that cannot keep a secret, proving each code with PKCE alone) or a backend service
    (a signed JWT, never a secret)."""
    if public and kind != ClientKind.APP:
        raise ValueError("only an app a user launches can be a public client")
    now = clock.now()
    secret = "" if kind == ClientKind.BACKEND or public else secrets.token_urlsafe(32)
    application = Application(
        name=name,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=(
            Application.GRANT_AUTHORIZATION_CODE
            if kind == ClientKind.APP
            else Application.GRANT_CLIENT_CREDENTIALS
        ),
        redirect_uris=" ".join(redirect_uris.split()),
        algorithm=Application.RS256_ALGORITHM if kind == ClientKind.APP else "",
        skip_authorization=False,
    )
    if secret:
        application.client_secret = secret
    elif public:
        application.client_secret = ""  # none: oauthlib authenticates a public client by id
    else:
        application.client_secret = secrets.token_urlsafe(48)  # never used: JWT only
    application.save()
    client = SmartClient.objects.create(
        application=application,
        practice=actor.practice,
        kind=kind,
        name=name,
        launch_url=launch_url,
        allowed_scopes=allowed_scopes,
        capabilities=list(capabilities),
        jwks=jwks or {},
        created_at=now,
    )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="smart_client",
        object_id=client.pk,
        at=now,
        detail={"client": application.client_id, "kind": kind, "public": public},
    )
    return Registered(client, secret)


@transaction.atomic
def revoke_client(actor: Actor, client: SmartClient) -> int:
    """The client can no longer get a token, and every token it holds stops working now."""
    now = clock.now()
    if client.revoked_at is None:
        client.revoked_at = now
        client.save(update_fields=["revoked_at"])
    application = client.application
    RefreshToken.objects.filter(application=application, revoked__isnull=True).update(revoked=now)
    Grant.objects.filter(application=application).delete()
    tokens = AccessToken.objects.filter(application=application)
    count = tokens.count()
    tokens.delete()
    record(
        actor=actor,
        action=Action.UPDATE,
        object_type="smart_client",
        object_id=client.pk,
        at=now,
        detail={"client": application.client_id, "revoked": True},
    )
    return count


def client_by_client_id(client_id: str) -> SmartClient:
    return SmartClient.objects.select_related("application").get(application__client_id=client_id)


def launchable_clients(actor: Actor) -> list[SmartClient]:
    return [
        client
        for client in practice_clients(actor)
        if client.kind == ClientKind.APP and client.revoked_at is None and client.launch_url
    ]


@transaction.atomic
def start_launch(actor: Actor, client: SmartClient, child_id: UUID) -> LaunchContext:
    """An EHR launch of `client` for one child the actor may open (404 otherwise)."""
    child = access_child(actor, child_id, need=Capability.CHART_READ)
    if client.kind != ClientKind.APP or client.revoked_at is not None or not client.launch_url:
        raise Http404
    now = clock.now()
    launch = LaunchContext.objects.create(
        id=secrets.token_urlsafe(24),
        client=client,
        user=actor.user,
        practice=actor.practice,
        patient=child,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.MEDHOME_SMART["launch_seconds"]),
    )
    # Who handed which child to which app: audited like opening the chart (no PHI in detail).
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="smart_launch",
        object_id=child.pk,
        at=now,
        detail={"client": client.application.client_id},
    )
    return launch


def find_launch(actor: Actor, client: SmartClient, launch_id: str) -> LaunchContext | None:
    """The launch the authorize request names, if it is this user's, for this client, in this
    practice, unused and unexpired."""
    return (
        LaunchContext.objects.filter(
            pk=launch_id,
            client=client,
            user=actor.user,
            practice=actor.practice,
            used_at__isnull=True,
            expires_at__gt=clock.now(),
        )
        .select_related("patient")
        .first()
    )


def use_launch(launch: LaunchContext) -> bool:
    """Mark the launch used; False when it was used meanwhile (or has expired)."""
    now = clock.now()
    return (
        LaunchContext.objects.filter(pk=launch.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        == 1
    )
