"""The team notes section of a child's chart: the newest notes, "show all", the add form.

Opening the chart is the audited read of what it shows (families.views.chart records it), so
the section writes no audit row of its own; the notes page (all notes) records its own read.
"""

from datetime import date
from typing import Any

from medhome.accounts.roles import Capability
from medhome.core.panels import Panel, register

from . import selectors

SHOWN_ON_CHART = 10


def section_context(
    request: Any, child: Any, *, show_all: bool = False, body: str = "", errors: Any = ()
) -> dict[str, Any]:
    actor = request.actor
    errors = list(errors)
    notes = selectors.notes_of_child(actor, child)
    if show_all:
        shown, more = list(notes), False
    else:
        # One row past the page tells whether there are more, without a count query.
        shown = list(notes[: SHOWN_ON_CHART + 1])
        more = len(shown) > SHOWN_ON_CHART
        shown = shown[:SHOWN_ON_CHART]
    may_write = actor.can(Capability.NOTE_WRITE)
    return {
        "child": child,
        "notes": shown,
        "more": more,
        "show_all": show_all,
        "may_write": may_write,
        "user_id": getattr(actor.user, "pk", None),
        # The list of handles is on the notes page and beside a refused note, not on the chart
        # itself: the chart stays one query lighter and does not list the whole staff.
        "colleagues": selectors.colleagues(actor.practice)
        if may_write and (show_all or errors)
        else [],
        "body": body,
        "errors": errors,
    }


def panel_context(request: Any, child: Any, today: date) -> dict[str, Any] | None:
    if not request.actor.can(Capability.CHART_READ):
        return None
    return section_context(request, child)


def register_panels() -> None:
    register(Panel(order=38, place="main", template="notes/panel.html", context=panel_context))
