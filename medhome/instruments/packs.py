"""Licensed text packs: check one against its definition and store it for a practice."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import langcodes
from django.db import transaction

from medhome.audit.models import Action
from medhome.audit.services import record
from medhome.core.actor import Actor
from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Item, Respondent, TextLicense
from medhome.instruments.models import TextPack
from medhome.practices.models import Practice

CONTENT_KEYS = frozenset({"title", "preamble", "footer", "items", "options"})


class InvalidPack(ValueError):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class Loaded:
    pack: TextPack
    replaced: bool
    items: int
    options: int


def _needs_text(instrument: Instrument, item: Item) -> bool:
    # Staff-only forms are keyed from paper; an optional count (CRAFFT 2.1+N nicotine) belongs
    # to another form variant. Everything else the respondent reads needs its wording.
    if instrument.respondent == Respondent.STAFF:
        return False
    return item.required or item.number_range is None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def check(data: Any) -> tuple[Instrument, str, dict[str, Any]]:
    """(instrument, language, content) of a pack file, or InvalidPack with every problem."""
    if not isinstance(data, dict):
        raise InvalidPack(["The pack must be a JSON object."])
    try:
        instrument = registry.get(str(data.get("instrument", "")))
    except registry.UnknownInstrument:
        raise InvalidPack([f"Unknown instrument {data.get('instrument')!r}."]) from None
    if instrument.text_license == TextLicense.PROPRIETARY:
        raise InvalidPack([f"{instrument.name} is proprietary: medhome records scores only."])
    errors: list[str] = []
    if str(data.get("version", "")) != instrument.version:
        errors.append(f"Version must be {instrument.version!r} for {instrument.name}.")
    raw_language = str(data.get("language", ""))
    language = ""
    if not langcodes.tag_is_valid(raw_language):
        errors.append(f"Language {raw_language!r} is not a valid BCP 47 tag.")
    else:
        language = langcodes.standardize_tag(raw_language)
        if language in instrument.bundled_languages:
            errors.append(f"{instrument.name} already ships authored text in {language!r}.")
    content = data.get("content")
    if not isinstance(content, dict):
        raise InvalidPack([*errors, "'content' must be an object."])
    errors.extend(f"Unknown content key {k!r}." for k in sorted(set(content) - CONTENT_KEYS))
    for key in ("title", "preamble", "footer"):
        if key in content and not isinstance(content[key], str):
            errors.append(f"'{key}' must be text.")
    items = content.get("items", {})
    options = content.get("options", {})
    if not isinstance(items, dict) or not isinstance(options, dict):
        raise InvalidPack([*errors, "'items' and 'options' must be objects."])
    for link_id, value in items.items():
        if instrument.item(link_id) is None:
            errors.append(f"Unknown item {link_id!r}.")
        elif not _text(value):
            errors.append(f"Item {link_id!r} has empty text.")
    for link_id, by_code in options.items():
        item = instrument.item(link_id)
        if item is None or not item.options:
            errors.append(f"Unknown item with answers {link_id!r}.")
            continue
        if not isinstance(by_code, dict):
            errors.append(f"Answers of item {link_id!r} must be an object.")
            continue
        for code, value in by_code.items():
            if item.option(code) is None:
                errors.append(f"Item {link_id!r}: unknown answer code {code!r}.")
            elif not _text(value):
                errors.append(f"Item {link_id!r}: answer {code!r} has empty text.")
    for item in instrument.items:
        if not _needs_text(instrument, item):
            continue
        if not _text(items.get(item.link_id)):
            errors.append(f"Item {item.link_id!r} has no text.")
        given = options.get(item.link_id, {}) if isinstance(options.get(item.link_id), dict) else {}
        missing = [o.code for o in item.options if not o.declined and not _text(given.get(o.code))]
        if missing:
            errors.append(f"Item {item.link_id!r}: no text for answers {', '.join(missing)}.")
    if errors:
        raise InvalidPack(errors)
    return instrument, language, content


def load(
    practice: Practice,
    data: Any,
    *,
    permission_reference: str,
    loaded_by: str,
    at: datetime,
) -> Loaded:
    """Check and store a pack, replacing the practice's pack for the same key; all or nothing."""
    instrument, language, content = check(data)
    permission_reference = permission_reference.strip()
    if not permission_reference:
        raise InvalidPack(["A permission reference is required."])
    with transaction.atomic():
        existing = TextPack.objects.for_practice(practice).filter(
            instrument_key=instrument.key,
            instrument_version=instrument.version,
            language=language,
        )
        replaced = existing.exists()
        existing.delete()
        pack = TextPack(
            practice=practice,
            instrument_key=instrument.key,
            instrument_version=instrument.version,
            language=language,
            content=content,
            permission_reference=permission_reference,
            loaded_at=at,
            loaded_by=loaded_by,
        )
        pack.full_clean()
        pack.save()
        record(
            actor=Actor(user=None, practice=practice),
            action=Action.UPDATE if replaced else Action.CREATE,
            object_type="instruments.textpack",
            object_id=pack.pk,
            at=at,
            detail={
                "instrument": instrument.key,
                "version": instrument.version,
                "language": language,
                "loaded_by": loaded_by,
            },
        )
    return Loaded(
        pack=pack,
        replaced=replaced,
        items=len(content.get("items", {})),
        options=sum(len(v) for v in content.get("options", {}).values()),
    )
