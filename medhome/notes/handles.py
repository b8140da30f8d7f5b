"""@-mentions: the handle a colleague is named by, and the handles a note's text names.

A colleague's handle is their username up to any "@" (an e-mail-shaped username "priya.r@…"
is "@priya.r"), lower-cased: short, readable aloud, and already unique in most practices, so
nothing new has to be chosen or stored. When two colleagues of a practice share that part (a
network's coordinator "coordinator@harbor…" working beside "coordinator@riverside…"), each
is named with the first word of their domain too ("@coordinator.harbor"), and the short form
alone is refused as ambiguous rather than guessed. "@" after a letter or digit is an e-mail
address in the text ("mom@example.org"), not a mention.
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
    short: str = ""  # the handle before telling two colleagues apart (handle_of)

    @property
    def name(self) -> str:
        return str(self.user)


def handle_of(username: str) -> str:
    return username.split("@", 1)[0].lower()


def handles_of(usernames: Iterable[str]) -> dict[str, str]:
    """Each username's handle among these colleagues: `handle_of`, and where two share it, with
    the first word of the domain added ("coordinator.harbor")."""
    names = list(usernames)
    short = {name: handle_of(name) for name in names}
    taken: dict[str, int] = {}
    for handle in short.values():
        taken[handle] = taken.get(handle, 0) + 1
    handles = {}
    for name in names:
        handle = short[name]
        domain = name.split("@", 1)[1] if "@" in name else ""
        if taken[handle] > 1 and domain:
            handle = f"{handle}.{domain.split('.', 1)[0].lower()}"
        handles[name] = handle
    return handles


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
    by_short: dict[str, list[Colleague]] = {}
    for colleague in colleagues:
        by_handle.setdefault(colleague.handle, []).append(colleague)
        by_short.setdefault(colleague.short or colleague.handle, []).append(colleague)
    users, unknown, ambiguous = [], [], []
    for handle in handles:
        matches = by_handle.get(handle) or by_short.get(handle, [])
        if not matches:
            unknown.append(handle)
        elif len(matches) > 1:
            options = ", ".join(f"@{c.handle}" for c in matches)
            ambiguous.append(f"@{handle} ({options})")
        else:
            users.append(matches[0].user)
    return Resolution(users=users, unknown=unknown, ambiguous=ambiguous)
