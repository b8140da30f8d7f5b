"""Every instrument medhome knows, by key, with its scorer."""

from functools import cache

from medhome.instruments.catalog import asq, crafft, epds, gad, mchat, phq, psc, social, swyc
from medhome.instruments.catalog._common import Entry, Scorer
from medhome.instruments.definitions import Instrument

MODULES = (epds, phq, gad, mchat, swyc, social, psc, crafft, asq)


class UnknownInstrument(KeyError):
    pass


@cache
def _entries() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for module in MODULES:
        for instrument, scorer in module.ENTRIES:
            if instrument.key in entries:
                raise ValueError(f"instrument key {instrument.key!r} defined twice")
            entries[instrument.key] = (instrument, scorer)
    return entries


def get(key: str) -> Instrument:
    try:
        return _entries()[key][0]
    except KeyError:
        raise UnknownInstrument(key) from None


def scorer(key: str) -> Scorer:
    try:
        return _entries()[key][1]
    except KeyError:
        raise UnknownInstrument(key) from None


def all_instruments() -> tuple[Instrument, ...]:
    return tuple(instrument for instrument, _ in _entries().values())


def for_row(row: str) -> tuple[Instrument, ...]:
    return tuple(i for i in all_instruments() if row in i.rows)
