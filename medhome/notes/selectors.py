"""Reads of team notes, always through the practice scope (another practice's note is a 404)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from medhome.accounts.roles import Capability, capabilities_of
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.practices.models import Membership, Practice
from medhome.practices.scoping import get_scoped, scoped

from .handles import Colleague, handle_of, handles_of
from .models import TeamNote

READ = Capability.CHART_READ


def notes_of_child(actor: Actor, child: Child) -> QuerySet[TeamNote]:
    """The child's notes, newest first, with who wrote and who retracted them (one query)."""
    return (
        scoped(actor, TeamNote, need=READ)
        .filter(child=child)
        .select_related("author", "retracted_by")
        .order_by("-created_at", "-pk")
    )


def access_note(actor: Actor, note_id: UUID | str) -> TeamNote:
    """The note, or 404 (another practice's, missing, or a malformed id alike)."""
    try:
        return get_scoped(actor, TeamNote, need=READ, pk=note_id)
    except ValidationError as malformed:
        raise Http404 from malformed


def colleagues(practice: Practice) -> list[Colleague]:
    """Who may be mentioned in the practice: active members whose role opens charts (a mention
    is a task that opens the chart; a network analyst could not follow it)."""
    memberships = (
        Membership.objects.active()
        .filter(practice=practice)
        .select_related("user")
        .order_by("user__username")
    )
    readers = [m for m in memberships if READ in capabilities_of(m.role)]
    handles = handles_of(m.user.username for m in readers)
    return [
        Colleague(
            handle=handles[m.user.username],
            user=m.user,
            role=m.role,
            short=handle_of(m.user.username),
        )
        for m in readers
    ]
