"""Preferred languages: ISO 639 codes, BCP 47 tags where a region or script matters (US Core
Patient.communication.language). Validated offline against the IANA registry by langcodes."""

from functools import lru_cache

import langcodes
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Offered first in pickers; any other valid tag may be typed.
COMMON_LANGUAGES = ["en", "es", "vi", "ar", "ht", "zh", "so", "pt", "fr", "ru", "ko", "tl"]


def normalize_language(tag: str) -> str:
    """The canonical tag for `tag` ("SPA" → "es"), or ValidationError if it is not a language."""
    cleaned = (tag or "").strip()
    try:
        language = langcodes.Language.get(cleaned)
    except (ValueError, langcodes.LanguageTagError) as invalid:
        raise ValidationError(
            _("“%(tag)s” is not a language code. Use an ISO 639 code such as “es” or “vi”."),
            code="unknown_language",
            params={"tag": cleaned},
        ) from invalid
    if not language.language or not language.is_valid():
        raise ValidationError(
            _("“%(tag)s” is not a known language code. Use an ISO 639 code such as “es” or “vi”."),
            code="unknown_language",
            params={"tag": cleaned},
        )
    return language.simplify_script().to_tag()


def language_name(tag: str, *, in_language: str | None = None) -> str:
    if not tag:
        return ""
    return _display_name(tag, in_language or get_language() or "en")


# A name depends only on the tag and the reader's language: the huddle names 40 families'
# languages a page, and langcodes' lookup is slow beside a dictionary's.
@lru_cache(maxsize=2048)
def _display_name(tag: str, in_language: str) -> str:
    try:
        return langcodes.Language.get(tag).display_name(in_language)
    except (ValueError, langcodes.LanguageTagError):
        return tag


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in COMMON_LANGUAGES]


def base_language(tag: str) -> str:
    """The primary language subtag ("es-MX" → "es"): a colleague who speaks Spanish speaks with a
    family whose tag names Mexican Spanish."""
    return (tag or "").split("-", 1)[0].lower()
