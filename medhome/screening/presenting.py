"""What a form page shows for each item: the authored wording where the license allows it,
medhome's neutral labels otherwise (staff entry from the paper form)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Item
from medhome.instruments.scoring import Outcome
from medhome.instruments.texts import wording

from .forms import answers_from
from .models import Administration
from .services import score_of


@dataclass(frozen=True)
class ShownOption:
    code: str
    text: str
    score: int | None
    checked: bool
    authored: bool  # the authors' words (so the points are worth showing beside them)


@dataclass(frozen=True)
class ShownItem:
    item: Item
    number: int
    text: str
    options: tuple[ShownOption, ...]
    value: str
    multiple: bool
    number_range: tuple[int, int] | None


def _selected(value: str, multiple: bool) -> set[str]:
    return set(value.split(",")) if multiple else {value}


def form_items(
    instrument: Instrument,
    administration: Administration,
    *,
    language: str,
    staff_entry: bool,
    posted: Mapping[str, Any] | None = None,
) -> list[ShownItem]:
    texts = wording(instrument, administration.practice)
    shown = []
    # A form shown again after an error keeps what was posted, read as it was saved.
    given = answers_from(posted, instrument) if posted is not None else administration.answers
    for number, item in enumerate(instrument.items, start=1):
        value = given.get(item.link_id, "")
        chosen = _selected(value, item.multiple)
        text = texts.item_text(item, language) or (
            texts.item_text(item, "en") if staff_entry else None
        )
        options = []
        for option in item.options:
            authored = texts.option_text(item, option, language) or (
                texts.option_text(item, option, "en") if staff_entry else None
            )
            options.append(
                ShownOption(
                    code=option.code,
                    text=authored or option.label or option.code,
                    score=option.score,
                    checked=option.code in chosen,
                    authored=bool(authored),
                )
            )
        shown.append(
            ShownItem(
                item=item,
                number=number,
                text=text or item.label or str(number),
                options=tuple(options),
                value=value,
                multiple=item.multiple,
                number_range=item.number_range,
            )
        )
    return shown


def outcome_of(administration: Administration) -> Outcome:
    """The outcome as scored from the stored answers (labels in the reader's language), the way
    the form was scored at submission."""
    return score_of(administration, registry.get(administration.instrument_key))
