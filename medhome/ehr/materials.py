"""Public family materials per well-child visit and language (MEDHOME_FAMILY_MATERIALS), the
language fallback rule, and the start-up check of the setting
(docs/clinical-rules.md#anticipatory-guidance).

The materials are plain links the family's browser follows: medhome never fetches them, so a
page costs no network call and a material's site never learns which child it was shown for.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks

from .guidance import visit_keys

FALLBACK_LANGUAGE = "en"
FIELDS = ("title", "url", "source", "license")
# A BCP 47 tag as families' languages are kept (en, es, es-MX, zh-Hant).
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Only https, and nothing that looks like a placeholder: a URL here is the same for every family,
# so it can never carry a child's id or name.
URL = re.compile(r"^https://[^\s{}<>\"']+$")


@dataclass(frozen=True)
class Material:
    title: str
    url: str
    source: str
    license: str
    language: str


@dataclass(frozen=True)
class Shown:
    """The materials a family page shows for one visit; `fallback` when they are in English
    because none exist in the family's language (the page says so)."""

    materials: tuple[Material, ...]
    fallback: bool = False


def _configured() -> dict[str, Any]:
    return getattr(settings, "MEDHOME_FAMILY_MATERIALS", None) or {}


def _entries(visit_key: str, language: str) -> tuple[Material, ...]:
    by_language = _configured().get(visit_key) or {}
    return tuple(
        Material(**{name: entry[name] for name in FIELDS}, language=language)
        for entry in by_language.get(language) or ()
    )


def _candidates(language: str) -> Iterable[str]:
    """The family's language, then its primary subtag (es-MX → es)."""
    yield language
    primary = language.split("-")[0]
    if primary != language:
        yield primary


def materials_for(visit_key: str, language: str) -> Shown:
    """The rule: the materials in the family's language (or its primary language); when there are
    none, the English ones, marked as English; when there are none either, nothing."""
    for candidate in _candidates(language.strip() or FALLBACK_LANGUAGE):
        found = _entries(visit_key, candidate)
        if found:
            return Shown(found)
    if language.split("-")[0] == FALLBACK_LANGUAGE:
        return Shown(())
    found = _entries(visit_key, FALLBACK_LANGUAGE)
    return Shown(found, fallback=bool(found))


# --- the start-up check ------------------------------------------------------------------------


def _error(message: str) -> checks.Error:
    return checks.Error(
        message,
        hint="See MEDHOME_FAMILY_MATERIALS in medhome/settings.py and "
        "docs/clinical-rules.md#anticipatory-guidance.",
        obj="MEDHOME_FAMILY_MATERIALS",
        id="medhome.E101",
    )


def _entry_problems(where: str, entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where} must be a dict with {', '.join(FIELDS)}."]
    problems = []
    missing = [name for name in FIELDS if not isinstance(entry.get(name), str) or not entry[name]]
    if missing:
        problems.append(f"{where} needs a non-empty text for {', '.join(missing)}.")
    extra = sorted(set(entry) - set(FIELDS))
    if extra:
        problems.append(f"{where} has unknown fields {', '.join(extra)}.")
    url = entry.get("url")
    if isinstance(url, str) and url and not URL.match(url):
        problems.append(f"{where} url {url!r} must be a plain https:// address.")
    return problems


def problems_in(value: Any) -> list[str]:
    """Every malformed part of the setting, in words an administrator can act on."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return ["MEDHOME_FAMILY_MATERIALS must be a dict of visit → language → list of links."]
    known = visit_keys()
    problems = []
    for visit, by_language in value.items():
        if visit not in known:
            problems.append(f"Unknown visit {visit!r}: use a schedule visit key, e.g. '4mo'.")
            continue
        if not isinstance(by_language, dict):
            problems.append(f"Visit {visit!r} must map language codes to lists of links.")
            continue
        for language, entries in by_language.items():
            if not isinstance(language, str) or not LANGUAGE_TAG.match(language):
                problems.append(f"Visit {visit!r}: {language!r} is not a language code.")
                continue
            if not isinstance(entries, list | tuple):
                problems.append(f"Visit {visit!r}, {language!r} must be a list of links.")
                continue
            for n, entry in enumerate(entries, start=1):
                problems += _entry_problems(f"Visit {visit!r}, {language!r}, link {n}", entry)
    return problems


def check_family_materials(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    return [
        _error(problem)
        for problem in problems_in(getattr(settings, "MEDHOME_FAMILY_MATERIALS", None))
    ]


def register_checks() -> None:
    checks.register(check_family_materials)
