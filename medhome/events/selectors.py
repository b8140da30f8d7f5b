"""Reads of events, always through the practice scope (another practice's event is a 404)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Practice
from medhome.practices.scoping import get_scoped, scoped

from .models import CareEvent, FeedCredential
from .services import token_digest

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
        .order_by("created_at")
    )


def access_event(actor: Actor, event_id: UUID | str, *, need: str = READ) -> CareEvent:
    try:
        return get_scoped(actor, CareEvent, need=need, pk=event_id)
    except ValidationError as malformed:
        raise Http404 from malformed


def practice_for_token(token: str) -> Practice | None:
    """The practice a feed's bearer token files into; None when unknown or revoked."""
    if not token:
        return None
    credential = (
        FeedCredential.objects.filter(token_digest=token_digest(token), revoked_at__isnull=True)
        .select_related("practice")
        .first()
    )
    return credential.practice if credential else None
