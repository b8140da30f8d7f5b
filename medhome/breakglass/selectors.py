"""Reads of break-glass grants, always within the actor's practice."""

from datetime import datetime
from uuid import UUID

from django.db.models import Case, IntegerField, QuerySet, Value, When

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.scoping import get_scoped, scoped

from .models import BreakGlassGrant

LIST_LIMIT = 200


def child_for_grant(actor: Actor, child_id: UUID) -> Child:
    """The child a person asks emergency access to: their own practice's, else 404 (the same
    answer for another practice's child and a missing one)."""
    return get_scoped(actor, Child, need=Capability.BREAK_GLASS, pk=child_id)


def grants_to_review(actor: Actor, *, at: datetime) -> QuerySet[BreakGlassGrant]:
    """The practice's grants, not yet reviewed first, then the ones still open, newest first
    (one query, with who, for whom and who reviewed)."""
    unreviewed = Case(
        When(reviewed_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    still_open = Case(
        When(ended_at__isnull=True, expires_at__gt=at, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        scoped(actor, BreakGlassGrant, need=Capability.BREAK_GLASS_REVIEW)
        .select_related("user", "child", "reviewed_by")
        .annotate(unreviewed=unreviewed, still_open=still_open)
        .order_by("unreviewed", "still_open", "-started_at")
    )


def unreviewed_count(actor: Actor) -> int:
    return (
        scoped(actor, BreakGlassGrant, need=Capability.BREAK_GLASS_REVIEW)
        .filter(reviewed_at__isnull=True)
        .count()
    )


def access_grant(actor: Actor, grant_id: UUID) -> BreakGlassGrant:
    return get_scoped(actor, BreakGlassGrant, need=Capability.BREAK_GLASS_REVIEW, pk=grant_id)
