"""Feed credentials: a hospital's bearer token for POST /feed/events/, issued by a practice admin.

Only the token's digest is kept; the token is shown once (a copy of the database cannot post).
"""

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from medhome.accounts.roles import Capability
from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor

from .models import FeedCredential, Sender


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_feed_token(
    *, actor: Actor, name: str, at: datetime, sender: str = Sender.HOSPITAL
) -> tuple[FeedCredential, str]:
    """A new bearer token for a feed; only its digest is kept, the token is shown once.
    `sender` (a hospital, or the practice's own EHR) decides what its ADT messages mean."""
    if not actor.can(Capability.USERS_MANAGE) or actor.practice is None:
        raise PermissionDenied(_("You cannot manage feeds of this practice."))
    if sender not in Sender.values:
        raise ValueError(f"Unknown feed sender {sender!r}.")
    token = secrets.token_urlsafe(32)
    credential = FeedCredential.objects.create(
        practice=actor.practice,
        name=name.strip()[:100],
        sender=sender,
        token_digest=token_digest(token),
        created_at=at,
    )
    record(
        actor=actor,
        action=Action.CREATE,
        object_type="feed_credential",
        object_id=credential.pk,
        at=at,
        detail={"fields": ["name", "sender"]},
    )
    return credential, token
