"""Answer sets built from item scores (never from wording)."""

from collections.abc import Iterable

from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Item
from medhome.instruments.scoring import Outcome, score


def code_for(item: Item, points: int) -> str:
    return next(o.code for o in item.options if o.score == points)


def with_total(
    instrument: Instrument, total: int, link_ids: Iterable[str] | None = None
) -> dict[str, str]:
    """Answer every listed item so the item scores add up to exactly `total` (greedy)."""
    ids = list(link_ids) if link_ids is not None else [i.link_id for i in instrument.items]
    answers: dict[str, str] = {}
    remaining = total
    for link_id in ids:
        item = instrument.item(link_id)
        assert item is not None
        scores = sorted({o.score for o in item.options if o.score is not None})
        points = max(s for s in scores if s <= max(remaining, scores[0]))
        answers[link_id] = code_for(item, points)
        remaining -= points
    assert remaining == 0, f"cannot reach {total} on {instrument.key}"
    return answers


def run(key: str, answers: dict[str, str], **kwargs: object) -> Outcome:
    return score(registry.get(key), answers, **kwargs)  # type: ignore[arg-type]
