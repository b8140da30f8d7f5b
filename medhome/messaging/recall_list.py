"""The recall worklist (messaging:recall): the children to recall, one line per family, with what
staff need to send from it (the family's language, channel and good times, the last recall and
how it went). Scoped to the viewer's practice and to the children they may open (chart.read).

A constant number of queries per page however many families: the candidates (one query), the
recent recalls, then for the page's families only their names, primary contacts, availability
windows and last recalls.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.conf.locale import LANG_INFO
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import AvailabilityWindow, Caregiver, Child, Family
from medhome.families.vocabulary import Channel, Weekday
from medhome.practices.scoping import scoped

from .models import Message, MessageKind
from .reasons import why_not_sent
from .selectors import CALL_CHANNELS, HAND_CHANNELS
from .services.outreach import primary_contacts
from .services.recall import (
    Candidate,
    recall_candidates,
    recall_every_days,
    recent_recalls,
)

PAGE_FAMILIES = 200
every_days = recall_every_days


@dataclass
class ChildLine:
    child: Child
    # Generic words only ("well-child visit overdue", "screen due"): never a screen's name or
    # result, whatever the viewer may see elsewhere.
    reasons: list[Any]
    recalled_at: datetime | None  # within recall_every_days: not recalled again yet
    last: Message | None = None


@dataclass
class FamilyLine:
    family_id: UUID
    name: str = ""
    caregiver: Caregiver | None = None
    windows: list[AvailabilityWindow] = field(default_factory=list)
    children: list[ChildLine] = field(default_factory=list)

    @property
    def to_recall(self) -> list[ChildLine]:
        return [c for c in self.children if c.recalled_at is None]

    @property
    def can_send(self) -> bool:
        return self.caregiver is not None and bool(self.to_recall)

    @property
    def last(self) -> Message | None:
        sent = [c.last for c in self.children if c.last is not None]
        return max(sent, key=lambda m: m.created_at) if sent else None

    @property
    def why_not(self) -> Any:
        last = self.last
        return why_not_sent(last.error_code) if last and last.error_code else ""

    @property
    def language(self) -> str:
        code = self.caregiver.preferred_language if self.caregiver else ""
        return str(LANG_INFO.get(code, {}).get("name", code))

    @property
    def channel(self) -> Any:
        if self.caregiver is None:
            return ""
        return Channel(self.caregiver.preferred_channel).label

    @property
    def by_staff(self) -> str:
        """ "call" or "hand" when the family asked for a call or paper: staff reach them."""
        preferred = self.caregiver.preferred_channel if self.caregiver else ""
        if preferred in CALL_CHANNELS:
            return "call"
        return "hand" if preferred in HAND_CHANNELS else ""

    @property
    def good_times(self) -> list[str]:
        return [
            f"{Weekday(w.weekday).label} {w.starts_at:%H:%M}–{w.ends_at:%H:%M}"
            for w in self.windows
        ]


def _reasons(candidate: Candidate) -> list[Any]:
    reasons = []
    if candidate.visit_overdue:
        reasons.append(_("well-child visit overdue"))
    if candidate.screen_due:
        reasons.append(_("screen due"))
    return reasons


def _grouped(candidates: list[Candidate], recent: dict[object, datetime]) -> list[FamilyLine]:
    """Families in the due list's order; those with every child recalled lately go last."""
    families: dict[UUID, FamilyLine] = {}
    for candidate in candidates:
        line = families.setdefault(
            candidate.child.family_id, FamilyLine(family_id=candidate.child.family_id)
        )
        line.children.append(
            ChildLine(candidate.child, _reasons(candidate), recent.get(candidate.child.pk))
        )
    return sorted(families.values(), key=lambda f: not f.to_recall)


def _fill(actor: Actor, lines: list[FamilyLine]) -> None:
    """Names, contacts, good times and last recalls of the families shown (four queries)."""
    family_ids = [line.family_id for line in lines]
    names = dict(
        scoped(actor, Family, need=Capability.CHART_READ)
        .filter(pk__in=family_ids)
        .values_list("pk", "name")
    )
    contacts = primary_contacts(family_ids)
    windows: dict[object, list[AvailabilityWindow]] = {}
    for window in AvailabilityWindow.objects.filter(
        caregiver_id__in=[c.pk for c in contacts.values()]
    ).order_by("weekday", "starts_at"):
        windows.setdefault(window.caregiver_id, []).append(window)
    child_ids = [c.child.pk for line in lines for c in line.children]
    last: dict[object, Message] = {}
    for message in (
        scoped(actor, Message, need=Capability.MESSAGES_READ)
        .filter(kind=MessageKind.RECALL, child_id__in=child_ids)
        .order_by("created_at", "pk")
    ):
        last[message.child_id] = message
    for line in lines:
        line.name = names.get(line.family_id, "")
        line.caregiver = contacts.get(line.family_id)
        line.windows = windows.get(line.caregiver.pk, []) if line.caregiver else []
        for child_line in line.children:
            child_line.last = last.get(child_line.child.pk)


def worklist(actor: Actor, on: date, *, page: str | int | None = 1) -> tuple[Page, int]:
    """A page of families to recall, and how many children the whole list holds."""
    candidates = recall_candidates(
        actor.practice, on, children=scoped(actor, Child, need=Capability.CHART_READ)
    )
    recent = recent_recalls(actor.practice, on)
    shown = Paginator(_grouped(candidates, recent), PAGE_FAMILIES).get_page(page)
    _fill(actor, list(shown.object_list))
    return shown, len(candidates)


def family_line(actor: Actor, on: date, child_ids: Collection[UUID]) -> FamilyLine | None:
    """One family's line (after a send from its row), or None when none of its children is to
    recall any more."""
    candidates = recall_candidates(
        actor.practice,
        on,
        children=scoped(actor, Child, need=Capability.CHART_READ),
        child_ids=child_ids,
    )
    recent = recent_recalls(actor.practice, on, child_ids=[c.child.pk for c in candidates])
    lines = _grouped(candidates, recent)
    if not lines:
        return None
    _fill(actor, lines[:1])
    return lines[0]
