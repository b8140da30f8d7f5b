"""Who is calling the FHIR API: the one place a bearer token becomes an actor.

Every FHIR answer is the intersection of four things (docs/decisions/0019-fhir-and-smart.md):
- the token's SMART scopes (`principal.allows`),
- the role's capabilities, re-read from the membership on every request (a role change or a
  removed membership takes effect at once, as on the pages),
- the practice (tenancy: `actor.practice`, through `practices.scoping` like every page),
- the family's consent (a partner organization's client sees only what a standing referral
  consent shares with it; a revoked consent drops it from the next answer).
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone

from medhome.core.actor import Actor

from .scopes import ScopeSet, parse_scopes

Kind = Literal["user", "system", "partner"]


@dataclass(frozen=True)
class FhirPrincipal:
    actor: Actor
    kind: Kind
    client_id: str  # the OAuth client's id: audited with every read
    scopes: ScopeSet
    # The launch context: the one child a `patient/` scope reaches (None without one).
    patient_id: UUID | None = None
    # A partner organization's client: the directory organization it acts for.
    organization_id: UUID | None = None
    token_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def allows(self, resource_type: str, interaction: str) -> bool:
        """May the token do `interaction` (one of c r u d s) on `resource_type` at all?"""
        return bool(self.contexts_for(resource_type, interaction))

    def contexts_for(self, resource_type: str, interaction: str) -> set[str]:
        """The scope contexts that allow it: {"user"} or {"system"} reach everything the actor
        may; {"patient"} alone reaches only the launch child's compartment."""
        contexts = self.scopes.contexts_for(resource_type, interaction)
        if self.patient_id is None:
            contexts.discard("patient")
        if self.actor.user is not None:
            # system/ scopes belong to clients acting without a user: a practice's backend
            # service, or a community organization's own system (kind "partner").
            contexts.discard("system")
        return contexts

    def only_patient(self, resource_type: str, interaction: str) -> UUID | None:
        """The child the answer is limited to, or None when the scope reaches the whole
        practice (user/ or system/ granted for this type)."""
        contexts = self.contexts_for(resource_type, interaction)
        return self.patient_id if contexts == {"patient"} else None


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def principal_for(request: HttpRequest) -> FhirPrincipal | None:
    """The caller of an API request, or None (no token, unknown, expired or revoked token,
    or a user who is no longer a member of the token's practice)."""
    raw = bearer_token(request)
    if raw is None:
        return None
    from .models import TokenContext

    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    # The token, its client, its user and what it is bound to in one query (every API request
    # pays it); a revoked access token is deleted, so it is simply not found.
    context = (
        TokenContext.objects.select_related(
            "access_token__application", "access_token__user", "practice", "organization"
        )
        .filter(access_token__token_checksum=checksum)
        .first()
    )
    if context is None or context.access_token.is_expired():
        return None
    return _principal(context.access_token, context, getattr(request, "request_id", ""))


def _principal(token: Any, context: Any, request_id: str) -> FhirPrincipal | None:
    from medhome.accounts.roles import capabilities_of
    from medhome.practices.selectors import active_membership

    scopes = parse_scopes(token.scope)
    client_id = token.application.client_id
    if context.organization_id is not None:
        actor = Actor(user=token.user, organization=context.organization, request_id=request_id)
        kind: Kind = "partner"
    elif token.user_id is None:
        actor = Actor(
            user=None,
            practice=context.practice,
            role="system",
            capabilities=frozenset(context.capabilities or ()),
            request_id=request_id,
        )
        kind = "system"
    else:
        membership = active_membership(token.user, context.practice_id)
        if membership is None:
            return None
        actor = Actor(
            user=token.user,
            practice=membership.practice,
            role=membership.role,
            capabilities=capabilities_of(membership.role),
            request_id=request_id,
        )
        kind = "user"
    return FhirPrincipal(
        actor=actor,
        kind=kind,
        client_id=client_id,
        scopes=scopes,
        patient_id=context.patient_id,
        organization_id=context.organization_id,
        token_id=token.pk,
        extra={"expires": timezone.localtime(token.expires).isoformat()},
    )
