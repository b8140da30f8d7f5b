"""The clinic's due lists: today's visits and the whole panel, set-based over the periodicity
engine's panel query (one query for the children, however many)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Child
from medhome.periodicity.panel import decoder_for, due_counts, panel_due
from medhome.practices.models import Site
from medhome.practices.scoping import scoped
from medhome.visits.models import Visit
from medhome.visits.selectors import visits_on

STATUS_LABELS = {
    "upcoming": _("upcoming"),
    "due": _("due"),
    "overdue": _("overdue"),
    "done": _("done"),
    "missed": _("missed"),
    "next_step_pending": _("next step pending"),
    "not_applicable": _("not applicable"),
    "confirm_result": _("confirm result"),
    "catch_up": _("catch-up"),
}


@dataclass(frozen=True)
class DueLine:
    child: Child
    due_visit: Any  # the visit's label, or None when no window is open
    status: str
    outstanding: tuple[Any, ...]  # row labels
    visit: Visit | None = None
    # The outstanding rows whose screen was positive and waits for its next step (labels),
    # for a viewer who may see that result; to others they read as outstanding only.
    pending: tuple[Any, ...] = ()

    @property
    def status_label(self) -> Any:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def still_due(self) -> tuple[Any, ...]:
        return tuple(label for label in self.outstanding if label not in self.pending)


def _line(
    child: Child, on: date, actor: Actor | None, visit: Visit | None = None, *, decoder: Any = None
) -> DueLine:
    """One line of a due list; `decoder` (periodicity.panel.decoder_for(on)) is built once per
    list by the callers of many lines, else here."""
    if getattr(child, "visit_key", None) is None:
        return DueLine(child, None, "", (), visit)
    decoder = decoder or decoder_for(on)
    row = decoder.decode(child)
    schedule = decoder.schedule
    labels = tuple(schedule.row(key).label for key in row.outstanding)
    pending = tuple(
        schedule.row(key).label
        for key in row.outstanding
        if row.rows[key] == "next_step_pending"
        and actor is not None
        and may_see_row_result(actor, confidential=schedule.row(key).confidential)
    )
    return DueLine(child, row.visit.label, row.status, labels, visit, pending)


def may_see_row_result(actor: Actor, *, confidential: bool) -> bool:
    """ "Next step pending" says the screen was positive: a result
    (docs/clinical-rules.md#adolescent-confidentiality: the
    confidential rows' results stay with the clinical team)."""
    if not actor.can(Capability.SCREENING_RESULTS):
        return False
    return not confidential or actor.can(Capability.SCREENING_DETAIL)


def _children(actor: Actor) -> QuerySet[Child]:
    return scoped(actor, Child, need=Capability.CHART_READ)


def visits_with_due(actor: Actor, day: date, *, site: Site | None = None) -> list[DueLine]:
    """The day's visits at a site (every status, in time order: the front desk's real day)."""
    visits = list(visits_on(actor, day, site=site, every_status=True))
    if not visits:
        return []
    ids = {v.child_id for v in visits}
    due = panel_due(_children(actor).filter(pk__any_of=ids), day)
    annotated = {child.pk: child for child in due}
    decoder = decoder_for(day)
    return [
        _line(annotated.get(visit.child_id, visit.child), day, actor, visit, decoder=decoder)
        for visit in visits
    ]


def panel_rows(actor: Actor, on: date, *, status: str = "") -> QuerySet[Child]:
    rows = panel_due(_children(actor), on).exclude(visit_status="done")  # type: ignore[misc]
    if status in ("due", "overdue"):
        rows = rows.filter(visit_status=status)  # type: ignore[misc]
    return rows


def present_rows(children: Any, on: date, *, actor: Actor | None = None) -> list[DueLine]:
    decoder = decoder_for(on)
    return [_line(child, on, actor, decoder=decoder) for child in children]


def panel_counts(actor: Actor, on: date) -> Counter[str]:
    counts: Counter[str] = Counter()
    for (_visit, status), n in due_counts(_children(actor), on).items():
        counts[status] += n
    return counts
