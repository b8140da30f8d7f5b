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
from functools import cache
from typing import Any, Literal
from uuid import UUID

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from medhome.core.actor import Actor
from medhome.core.joined import Joined

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
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    # The token, its client, its user, what it is bound to and the user's active role there in
    # one query (every API request pays it); a revoked access token is deleted, so it is simply
    # not found.
    joined, sql = _token_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, checksum])
        row = cursor.fetchone()
    if row is None:
        return None
    found = joined.instances(row[:-1])
    token = found["t"]
    if token.is_expired():
        return None
    token.application, token.user = found["a"], found["u"]
    return _principal(token, found, row[-1], getattr(request, "request_id", ""))


@cache
def _token_query() -> tuple[Joined, str]:
    from oauth2_provider.models import get_access_token_model, get_application_model

    from medhome.accounts.models import User
    from medhome.directory.models import Organization
    from medhome.practices.models import Membership, Practice

    from .models import TokenContext

    joined = Joined(
        [
            ("tc", TokenContext),
            ("t", get_access_token_model()),
            ("a", get_application_model()),
            ("u", User),
            ("p", Practice),
            ("o", Organization),
        ]
    )

    def table(model: Any) -> str:
        return str(connection.ops.quote_name(model._meta.db_table))

    # Names from the models' meta; the token's checksum a parameter.
    sql = (
        # The role as a subquery rather than a seventh join: PostgreSQL plans each added join
        # (≈ 0.1 ms apiece here), on every request.
        f"SELECT {joined.columns}, (SELECT m.role FROM {table(Membership)} m"  # noqa: S608
        " WHERE m.user_id = t.user_id AND m.practice_id = tc.practice_id AND m.is_active = %s)"
        f" FROM {table(TokenContext)} tc"
        f" JOIN {table(get_access_token_model())} t ON t.id = tc.access_token_id"
        f" JOIN {table(get_application_model())} a ON a.id = t.application_id"
        f" LEFT JOIN {table(User)} u ON u.id = t.user_id"
        f" LEFT JOIN {table(Practice)} p ON p.id = tc.practice_id"
        f" LEFT JOIN {table(Organization)} o ON o.id = tc.organization_id"
        " WHERE t.token_checksum = %s"
    )
    return joined, sql


def _principal(
    token: Any, found: dict[str, Any], role: str | None, request_id: str
) -> FhirPrincipal | None:
    from medhome.accounts.roles import capabilities_of

    context = found["tc"]
    scopes = parse_scopes(token.scope)
    client_id = token.application.client_id
    if context.organization_id is not None:
        actor = Actor(user=token.user, organization=found["o"], request_id=request_id)
        kind: Kind = "partner"
    elif token.user_id is None:
        actor = Actor(
            user=None,
            practice=found["p"],
            role="system",
            capabilities=frozenset(context.capabilities or ()),
            request_id=request_id,
        )
        kind = "system"
    else:
        # The role is re-read on every request: an active membership of an active user.
        if role is None or not token.user.is_active:
            return None
        actor = Actor(
            user=token.user,
            practice=found["p"],
            role=role,
            capabilities=capabilities_of(role),
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
