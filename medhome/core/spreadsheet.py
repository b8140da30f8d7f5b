"""The one way medhome writes CSV: every text cell that a spreadsheet would run as a formula is
neutralised (OWASP "CSV injection").

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula (`=HYPERLINK(...)` as a staff name, `+1+1` as a note). Such a cell
is written with a leading apostrophe, which the spreadsheet shows as text. Plain numbers (`-71.06`,
`+3`) are left as they are: they cannot run, and a longitude must stay a number. `restore` undoes
the prefix, so medhome's own importers read back what it wrote.

No other module calls csv.writer or csv.DictWriter (tests/test_conventions.py checks it).
"""

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(TRIGGERS) and not NUMBER.fullmatch(value):
        return PREFIX + value
    return value


def restore(value: str) -> str:
    """A cell as it was before `neutralise` (the prefix only where neutralise would add it)."""
    if value.startswith(PREFIX) and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


class Writer:
    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Line:
    """What csv.writer writes to, handing each row's text back (a streamed answer's chunk)."""

    def write(self, text: str) -> str:
        return text


def streamed(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV's lines one by one, neutralised like every medhome CSV: for a
    StreamingHttpResponse, so a large export starts at once and is never held whole."""
    writer = Writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


class DictWriter:
    def __init__(self, handle: Any, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(handle, fieldnames=fieldnames, **options)

    def writeheader(self) -> Any:
        return self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow({key: neutralise(cell) for key, cell in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: Any, **options: Any) -> Writer:
    return Writer(handle, **options)


def dict_writer(handle: Any, fieldnames: Sequence[str], **options: Any) -> DictWriter:
    return DictWriter(handle, fieldnames, **options)
