"""Reads of events, always through the practice scope (another practice's event is a 404)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.families.names import name_key
from medhome.practices.models import Practice
from medhome.practices.scoping import get_scoped, scoped

from .credentials import token_digest
from .models import CareEvent, FeedCredential

READ = Capability.CHART_READ


def events_of_child(actor: Actor, child: Child) -> QuerySet[CareEvent]:
    """The child's events between visits, newest first, retracted ones left out."""
    return (
        scoped(actor, CareEvent, need=READ)
        .filter(child=child, retracted=False)
        .order_by("-started_at")
    )


def flagged_events(actor: Actor, child: Child) -> QuerySet[CareEvent]:
    """Transitions of care (ED, admission, discharge) that flag the chart."""
    return events_of_child(actor, child).filter(flagged=True)


def unmatched_events(actor: Actor) -> QuerySet[CareEvent]:
    """Events no child could be found for with certainty, oldest first (the queue)."""
    return (
        scoped(actor, CareEvent, need=READ)
        .filter(child__isnull=True, retracted=False)
        # The queue, oldest first, by the date the page shows (when the event began).
        .order_by("started_at", "created_at")
    )


def access_event(actor: Actor, event_id: UUID | str, *, need: str = READ) -> CareEvent:
    try:
        return get_scoped(actor, CareEvent, need=need, pk=event_id)
    except ValidationError as malformed:
        raise Http404 from malformed


def credential_for_token(token: str) -> FeedCredential | None:
    """The live credential of a feed's bearer token (its practice and sender); None when
    unknown or revoked."""
    if not token:
        return None
    return (
        FeedCredential.objects.filter(token_digest=token_digest(token), revoked_at__isnull=True)
        .select_related("practice")
        .first()
    )


def practice_for_token(token: str) -> Practice | None:
    """The practice a feed's bearer token files into; None when unknown or revoked."""
    credential = credential_for_token(token)
    return credential.practice if credential else None


def candidates_for(actor: Actor, events: list[CareEvent], limit: int = 5) -> dict[Any, list[Child]]:
    """Children an unmatched event could belong to: same birth date, or same family name —
    for a person to check and choose, never filed automatically. Two queries in all."""
    births = {e.incoming_date_of_birth for e in events if e.incoming_date_of_birth}
    names = {name_key(e.incoming_family_name) for e in events if e.incoming_family_name}
    pool = list(
        scoped(actor, Child, need=READ)
        .filter(Q(date_of_birth__in=births) | Q(family_name_key__in=names))
        .order_by("legal_family_name", "legal_given_name")[:500]
    )
    found: dict[Any, list[Child]] = {}
    for event in events:
        key = name_key(event.incoming_family_name) if event.incoming_family_name else None
        found[event.pk] = [
            child
            for child in pool
            if child.date_of_birth == event.incoming_date_of_birth or child.family_name_key == key
        ][:limit]
    return found
