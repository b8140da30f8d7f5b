"""The printable care plan: HTML in the family's language, made into a PDF by WeasyPrint.

Large readable type (print.css) in DejaVu Sans, a system font installed with the fonts-dejavu
package, which has the accented letters Spanish needs.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from medhome.core import clock
from medhome.core.pdf import render_pdf
from medhome.families.models import Caregiver

from . import selectors
from .models import CarePlan

STYLESHEET = "careplan/print.css"


def plan_html(plan: CarePlan, *, language: str, caregiver: Caregiver | None = None) -> str:
    """The page the PDF is made from, rendered in `language`: a caregiver-facing print, so it
    shows only what family_visible_actions allows (for `caregiver` when one is known)."""
    with translation.override(language):
        return render_to_string(
            "careplan/print.html",
            {
                "plan": plan,
                "child": plan.child,
                "team": list(selectors.team_of(plan.child)),
                "goals": list(selectors.goals_of(plan)),
                "actions": selectors.family_visible_actions(plan, caregiver=caregiver),
                "language": language,
                "printed_on": clock.today(),
            },
        )


def plan_pdf(plan: CarePlan, *, language: str, caregiver: Caregiver | None = None) -> bytes:
    return render_pdf(
        plan_html(plan, language=language, caregiver=caregiver), stylesheets=[STYLESHEET]
    )


def response(plan: CarePlan, *, language: str, caregiver: Caregiver | None = None) -> HttpResponse:
    answer = HttpResponse(
        plan_pdf(plan, language=language, caregiver=caregiver), content_type="application/pdf"
    )
    answer["Content-Disposition"] = 'inline; filename="care-plan.pdf"'
    answer["Cache-Control"] = "no-store"
    return answer
