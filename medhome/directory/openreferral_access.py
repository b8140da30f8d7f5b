"""Who may read a practice's Open Referral API: the practice's mode and its partners' tokens.

The practice chooses (capability directory.curate): off (the default: nothing is published),
public (anyone may read), or token (a partner sends `Authorization: Bearer <token>`). A token is
shown once when issued; only its SHA-256 digest is kept (as portal.links and events.credentials
do), so a copy of the database cannot read the API. Answers follow RFC 6750 §3.1: no token, an
unknown token or a revoked one is 401 `invalid_token`; a good token of another practice is 403.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor

from .models import OpenReferralAccess, OpenReferralToken, PublishMode


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _curator(actor: Actor) -> None:
    if not actor.can(Capability.DIRECTORY_CURATE) or actor.practice is None:
        raise PermissionDenied("directory.curate")


def mode_of(practice: Any) -> str:
    row = OpenReferralAccess.objects.for_practice(practice).first()
    return row.mode if row is not None else PublishMode.OFF


@transaction.atomic
def set_mode(actor: Actor, mode: str, at: datetime) -> OpenReferralAccess:
    _curator(actor)
    if mode not in PublishMode.values:
        raise ValueError(f"Unknown publication mode {mode!r}.")
    row, created = OpenReferralAccess.objects.select_for_update().get_or_create(
        practice=actor.practice, defaults={"mode": mode, "updated_at": at}
    )
    row.mode, row.updated_at = mode, at
    row.save()
    record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        object_type="directory.openreferralaccess",
        object_id=row.pk,
        at=at,
        detail={"fields": ["mode"], "mode": mode},
    )
    return row


@transaction.atomic
def issue_token(actor: Actor, partner: str, at: datetime) -> tuple[OpenReferralToken, str]:
    """A new token for a partner of the actor's practice: (its row, the token shown once)."""
    _curator(actor)
    name = partner.strip()[:200]
    if not name:
        raise ValueError("A token needs the partner's name.")
    token = secrets.token_urlsafe(32)
    row = OpenReferralToken.objects.create(
        practice=actor.practice, partner=name, token_digest=token_digest(token), created_at=at
    )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="directory.openreferraltoken",
        object_id=row.pk,
        at=at,
        detail={"fields": ["partner"]},
    )
    return row, token


@transaction.atomic
def revoke_token(actor: Actor, token_id: uuid.UUID | str, at: datetime) -> OpenReferralToken:
    """Revoke one of the actor's practice's tokens (another practice's id: DoesNotExist)."""
    _curator(actor)
    row = (
        OpenReferralToken.objects.for_practice(actor.practice).select_for_update().get(pk=token_id)
    )
    if row.revoked_at is None:
        row.revoked_at = at
        row.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            object_type="directory.openreferraltoken",
            object_id=row.pk,
            at=at,
            detail={"fields": ["revoked_at"]},
        )
    return row


def tokens_of(practice: Any) -> list[OpenReferralToken]:
    return list(OpenReferralToken.objects.for_practice(practice).order_by("-created_at", "pk"))


@dataclass(frozen=True)
class Refusal:
    status: int  # 401, 403 or 404
    message: str


NOT_PUBLISHED = Refusal(404, "No Open Referral API is published here.")


def check_access(practice_id: str, authorization: str) -> Refusal | None:
    """None when the request may read practice_id's API; else why not. Two queries at most."""
    try:
        key = uuid.UUID(practice_id)
    except ValueError:
        return NOT_PUBLISHED
    row = OpenReferralAccess.objects.filter(practice_id=key).only("mode").first()
    mode = row.mode if row is not None else PublishMode.OFF
    if mode == PublishMode.OFF:
        return NOT_PUBLISHED
    if mode == PublishMode.PUBLIC:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return Refusal(401, "This API needs a partner token: Authorization: Bearer <token>.")
    digest = token_digest(token.strip())
    found = OpenReferralToken.objects.filter(token_digest=digest).first()
    # The digest is looked up by an index; compare_digest keeps the final check constant-time.
    if found is None or not hmac.compare_digest(found.token_digest, digest):
        return Refusal(401, "The token is not valid.")
    if found.revoked_at is not None:
        return Refusal(401, "The token was revoked.")
    if found.practice_id != key:
        return Refusal(403, "The token is not one of this practice's.")
    return None
