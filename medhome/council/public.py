""" "You said, we did": the public page of a practice's council recommendations and its answers,
in the family's language. No token and no login: it holds no personal data — never a member's
name, only what was asked, where it stands and what the practice did. The language follows the
family pages' rule (?lang=, else the browser, else English)."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from medhome.core.languages import language_name
from medhome.portal.links import page_language

from . import selectors
from .models import RecommendationStatus


def _row(recommendation: Any, language: str) -> dict[str, Any]:
    text, fell_back = selectors.text_in(recommendation, language)
    return {
        "recommendation": recommendation,
        "asked": text.asked if text else recommendation.title,
        "answer": text.answer if text else "",
        "fell_back": fell_back and language != "en",
        "status": RecommendationStatus(recommendation.status).label,
        "finished": recommendation.status
        in (RecommendationStatus.DONE, RecommendationStatus.NOT_ADOPTED),
        "network": recommendation.council.network_wide,
        "host": recommendation.council.practice.name,
    }


@require_GET
def you_said_we_did(request: HttpRequest, practice_id: UUID) -> HttpResponse:
    practice = selectors.public_practice(practice_id)
    language = page_language(
        chosen=request.GET.get("lang"),
        link=None,
        browser=translation.get_language_from_request(request),
    )
    with translation.override(language):
        rows = [_row(r, language) for r in selectors.published_recommendations(practice)]
        return render(
            request,
            "council/you_said_we_did.html",
            {
                "practice": practice,
                "language": language,
                "english": language_name("en", in_language=language),
                "rows": rows,
            },
        )
