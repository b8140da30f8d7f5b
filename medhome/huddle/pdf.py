"""The huddle sheet on paper, made by core.pdf (only the project's static files are fetched;
DejaVu Sans is a system font, so nothing is downloaded). Five children a page: each page
breaks after its fifth child (docs/clinical-rules.md#huddle-sheet)."""

from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from medhome.core.actor import Actor
from medhome.core.pdf import render_pdf

from .labels import card_labels
from .selectors import Sheet

STYLESHEET = "huddle/print.css"


def per_page() -> int:
    return int(getattr(settings, "MEDHOME_HUDDLE_CHILDREN_PER_PAGE", 5))


def sheet_html(sheet: Sheet, *, actor: Actor, printed_at: datetime) -> str:
    return render_to_string(
        "huddle/print.html",
        {
            "sheet": sheet,
            "labels": card_labels(),
            "pages": sheet.pages(per_page()),
            "practice": actor.practice,
            "printed_by": actor.user.get_full_name() or actor.user.get_username(),
            "printed_at": printed_at,
        },
    )


def sheet_pdf(sheet: Sheet, *, actor: Actor, printed_at: datetime) -> bytes:
    return render_pdf(
        sheet_html(sheet, actor=actor, printed_at=printed_at), stylesheets=[STYLESHEET]
    )


def response(sheet: Sheet, *, actor: Actor, printed_at: datetime) -> HttpResponse:
    answer = HttpResponse(
        sheet_pdf(sheet, actor=actor, printed_at=printed_at), content_type="application/pdf"
    )
    # Only the date: no name of a child or site in the file name.
    answer["Content-Disposition"] = f'inline; filename="huddle-{sheet.day.isoformat()}.pdf"'
    answer["Cache-Control"] = "no-store"
    return answer
