"""Team notes pages. Thin: parse, one domain call, answer with the section again (htmx) or a
redirect to the chart's notes; without JavaScript a refused note comes back on the notes page
with what was typed, so nothing written is lost."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from medhome.accounts.roles import Capability
from medhome.core import clock
from medhome.core.decorators import requires
from medhome.core.requests import AuthedRequest
from medhome.families.models import Child
from medhome.families.selectors import access_child

from . import selectors, services
from .chart import section_context
from .handles import suggestions, typing_handle
from .models import BODY_MAX_LENGTH

SECTION_ANCHOR = "#team-notes"


def _chart_notes(child_id: object) -> str:
    return reverse("families:chart", args=[child_id]) + SECTION_ANCHOR


def _render(request: AuthedRequest, context: dict, *, refused: bool = False) -> HttpResponse:
    if request.htmx:
        # htmx swaps only 2xx answers: a refused note comes back as 200 with its message.
        return render(request, "notes/panel.html", context)
    return render(request, "notes/page.html", context, status=400 if refused else 200)


def _section(
    request: AuthedRequest, child: Child, *, body: str = "", error: ValidationError | None = None
) -> HttpResponse:
    errors = error.messages if error is not None else ()
    context = section_context(request, child, body=body, errors=errors)
    # The answer shows the child's newest notes again: a read of the record like the chart's.
    services.record_notes_read(
        actor=request.actor, child=child, shown=len(context["notes"]), at=clock.now()
    )
    return _render(request, context, refused=error is not None)


@requires(Capability.CHART_READ)
@require_GET
def child_notes(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    """All of a child's notes (the chart shows the newest ten)."""
    child = access_child(request.actor, child_id)
    context = section_context(request, child, show_all=True)
    services.record_notes_read(
        actor=request.actor, child=child, shown=len(context["notes"]), at=clock.now()
    )
    return _render(request, context)


@requires(Capability.NOTE_WRITE)
@require_POST
def add(request: AuthedRequest, child_id: UUID) -> HttpResponse:
    child = access_child(request.actor, child_id)
    body = request.POST.get("body", "")
    try:
        services.add_note(actor=request.actor, child=child, body=body, at=clock.now())
    except ValidationError as error:
        return _section(request, child, body=body, error=error)
    if request.htmx:
        return _section(request, child)
    messages.success(request, _("Note added."))
    return redirect(_chart_notes(child.pk))


@requires(Capability.NOTE_WRITE)
@require_POST
def retract(request: AuthedRequest, note_id: UUID) -> HttpResponse:
    note = selectors.access_note(request.actor, note_id)
    try:
        services.retract_note(
            actor=request.actor, note=note, reason=request.POST.get("reason", ""), at=clock.now()
        )
    except ValidationError as error:
        return _section(request, note.child, error=error)
    if request.htmx:
        return _section(request, note.child)
    messages.success(request, _("The note is marked entered in error."))
    return redirect(_chart_notes(note.child_id))


@requires(Capability.CHART_READ)
@require_GET
def open_note(request: AuthedRequest, note_id: UUID) -> HttpResponse:
    """Where a mention's task leads: the child's chart at the notes (opening the chart is the
    audited read)."""
    note = selectors.access_note(request.actor, note_id)
    return redirect(_chart_notes(note.child_id))


@requires(Capability.NOTE_WRITE)
@require_POST
def suggest(request: AuthedRequest) -> HttpResponse:
    """Colleagues whose handle starts with the one being typed at the end of the note (htmx,
    as one types). POST, so the note's words never travel in a URL; they are read, not kept."""
    prefix = typing_handle(request.POST.get("body", "")[-BODY_MAX_LENGTH:])
    found = (
        suggestions(prefix, selectors.colleagues(request.actor.practice))
        if prefix is not None
        else []
    )
    return render(request, "notes/suggestions.html", {"suggestions": found, "prefix": prefix})
