"""Authored wording shipped in data/*.json (see data/SOURCE.md): read at import, never edited."""

import json
import re
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from medhome.instruments.definitions import Item, Option

DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    with (DATA / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def text(mapping: dict[str, str] | None) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(mapping or {}))


def options(name: str, set_name: str) -> tuple[Option, ...]:
    return tuple(
        Option(
            code=o["code"],
            score=o.get("score"),
            text=text(o.get("text")),
            positive=bool(o.get("positive", False)),
            label=o["text"]["en"] if "en" in o.get("text", {}) else "",
        )
        for o in load(name)["options"][set_name]
    )


def items(name: str, overrides: dict[str, dict[str, Any]] | None = None) -> tuple[Item, ...]:
    """Items of a bundled file, verbatim; `overrides[link_id]` sets medhome-only fields."""
    result = []
    for raw in load(name)["items"]:
        extra = dict((overrides or {}).get(raw["linkId"], {}))
        extra_options = extra.pop("extra_options", ())
        result.append(
            Item(
                link_id=raw["linkId"],
                loinc=raw.get("loinc"),
                text=text(raw.get("text")),
                options=(*options(name, raw["options"]), *extra_options),
                label=extra.pop("label", f"Item {raw['linkId']}"),
                required=raw.get("scored", True) is not False,
                multiple=bool(raw.get("multiple", False)),
                **extra,
            )
        )
    return tuple(result)


def sentence(source: str, pattern: str) -> str:
    """A sentence quoted in a data file (e.g. the Pfizer footer inside the licence field).

    Fails loudly at import if the data changes, rather than showing a wrong copyright line."""
    match = re.search(pattern, source)
    if match is None:
        raise ValueError(f"expected text not found: {pattern!r}")
    return match.group(1)
