"""@-mentions: the handle a colleague is named by, and the handles a note's text names.

A colleague's handle is their username up to any "@" (an e-mail-shaped username "priya.r@…"
is "@priya.r"), lower-cased: short, readable aloud, and already unique in most practices, so
nothing new has to be chosen or stored. When two colleagues of a practice share one, the handle
is refused as ambiguous rather than guessed. "@" after a letter or digit is an e-mail address in
the text ("mom@example.org"), not a mention.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MENTION = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9][A-Za-z0-9._+-]*)")
# The handle being typed: an "@" and what follows it at the very end of the text.
TYPING = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9._+-]*)$")
# A handle closes a sentence: "ask @priya.r." names "priya.r".
TRAILING = ".-_+"


@dataclass(frozen=True)
class Colleague:
    handle: str
    user: Any
    role: str

    @property
    def name(self) -> str:
        return str(self.user)


def handle_of(username: str) -> str:
    return username.split("@", 1)[0].lower()


def handles_in(body: str) -> list[str]:
    """The handles the text names, lower-cased, each once, in the order written."""
    found: list[str] = []
    for match in MENTION.finditer(body):
        handle = match.group(1).rstrip(TRAILING).lower()
        if handle and handle not in found:
            found.append(handle)
    return found


def typing_handle(body: str) -> str | None:
    """The start of the handle being typed at the end of the text ("" just after "@"), or None
    when the text does not end in a mention."""
    match = TYPING.search(body)
    return match.group(1).lower() if match else None


def suggestions(prefix: str, colleagues: Iterable[Colleague], limit: int = 8) -> list[Colleague]:
    return [c for c in colleagues if c.handle.startswith(prefix)][:limit]


@dataclass(frozen=True)
class Resolution:
    users: list[Any]
    unknown: list[str]
    ambiguous: list[str]


def resolve(handles: Iterable[str], colleagues: Iterable[Colleague]) -> Resolution:
    by_handle: dict[str, list[Colleague]] = {}
    for colleague in colleagues:
        by_handle.setdefault(colleague.handle, []).append(colleague)
    users, unknown, ambiguous = [], [], []
    for handle in handles:
        matches = by_handle.get(handle, [])
        if not matches:
            unknown.append(handle)
        elif len(matches) > 1:
            ambiguous.append(handle)
        else:
            users.append(matches[0].user)
    return Resolution(users=users, unknown=unknown, ambiguous=ambiguous)
