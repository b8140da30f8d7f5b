"""The wording shown with a form, respecting each instrument's licence
(docs/clinical-rules.md#instrument-licenses).

Bundled text comes from the definitions; licensed text only from the practice's own TextPacks.
`wording()` reads a practice's packs for one instrument in a single query; the module-level
helpers are conveniences that each make that query.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from medhome.instruments.definitions import Instrument, Item, Option, TextLicense
from medhome.practices.models import Practice


def _candidates(language: str) -> tuple[str, ...]:
    # "es-US" falls back to a plain "es" text; a plain "es" request never picks a regional pack.
    tag = language.strip()
    primary = tag.split("-")[0].lower()
    return (tag, primary) if primary != tag else (tag,)


@dataclass(frozen=True)
class Wording:
    instrument: Instrument
    packs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # language -> content

    def languages_available(self) -> frozenset[str]:
        return self.instrument.bundled_languages | frozenset(self.packs)

    @property
    def staff_entry_only(self) -> bool:
        """No language has text: staff key in the answers from the paper form."""
        return not self.languages_available()

    def _source(self, language: str) -> tuple[str, Mapping[str, Any] | None] | None:
        """("bundled", None) or ("pack", content) for the best match of `language`."""
        for tag in _candidates(language):
            if tag in self.instrument.bundled_languages:
                return "bundled", None
            if tag in self.packs:
                return tag, self.packs[tag]
        return None

    def item_text(self, item: Item, language: str) -> str | None:
        found = self._source(language)
        if found is None:
            return None
        tag, pack = found
        if pack is None:
            return next((item.text[t] for t in _candidates(language) if t in item.text), None)
        return pack.get("items", {}).get(item.link_id) or None

    def option_text(self, item: Item, option: Option, language: str) -> str | None:
        found = self._source(language)
        if found is None:
            return None
        tag, pack = found
        if pack is None:
            return next((option.text[t] for t in _candidates(language) if t in option.text), None)
        return pack.get("options", {}).get(item.link_id, {}).get(option.code) or None

    def _part(self, name: str, bundled: Mapping[str, str], language: str) -> str | None:
        found = self._source(language)
        if found is None:
            return None
        tag, pack = found
        if pack is None:
            return next((bundled[t] for t in _candidates(language) if t in bundled), None)
        return pack.get(name) or None

    def preamble_text(self, language: str) -> str | None:
        return self._part("preamble", self.instrument.preamble, language)

    def footer_text(self, language: str) -> str | None:
        return self._part("footer", self.instrument.footer, language)

    def title_text(self, language: str) -> str | None:
        return self._part("title", self.instrument.title, language)


def wording(instrument: Instrument, practice: Practice | None) -> Wording:
    if instrument.text_license == TextLicense.PROPRIETARY or practice is None:
        return Wording(instrument)
    from medhome.instruments.models import TextPack

    rows = (
        TextPack.objects.for_practice(practice)
        .filter(instrument_key=instrument.key, instrument_version=instrument.version)
        .values_list("language", "content")
    )
    return Wording(instrument, dict(rows))


def languages_available(instrument: Instrument, practice: Practice | None) -> frozenset[str]:
    return wording(instrument, practice).languages_available()


def item_text(
    instrument: Instrument, item: Item, language: str, practice: Practice | None
) -> str | None:
    return wording(instrument, practice).item_text(item, language)


def option_text(
    instrument: Instrument, item: Item, option: Option, language: str, practice: Practice | None
) -> str | None:
    return wording(instrument, practice).option_text(item, option, language)


def preamble_text(instrument: Instrument, language: str, practice: Practice | None) -> str | None:
    return wording(instrument, practice).preamble_text(language)


def staff_entry_only(instrument: Instrument, practice: Practice | None) -> bool:
    return wording(instrument, practice).staff_entry_only


def languages_by_instrument(practice: Practice | None) -> dict[str, frozenset[str]]:
    """Every instrument's available languages for a practice, in one query (for lists)."""
    from medhome.instruments import registry
    from medhome.instruments.models import TextPack

    loaded: dict[tuple[str, str], set[str]] = {}
    if practice is not None:
        for key, version, language in TextPack.objects.for_practice(practice).values_list(
            "instrument_key", "instrument_version", "language"
        ):
            loaded.setdefault((key, version), set()).add(language)
    return {
        instrument.key: instrument.bundled_languages
        | (
            frozenset()
            if instrument.text_license == TextLicense.PROPRIETARY
            else frozenset(loaded.get((instrument.key, instrument.version), ()))
        )
        for instrument in registry.all_instruments()
    }
