"""Proposing cohorts from the practice's panel (docs/clinical-rules.md#group-care): children on
the panel today, in no group, young enough that the first session's visit window has not closed,
grouped by site, the family's language and birth date — greedy within the birth span, up to the
largest group. One query for the candidates whatever the panel's size (bench/groupcare.py), the
grouping in Python over the few hundred infants it returns."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby
from typing import Any
from uuid import UUID

from django.db.models import CharField, Exists, OuterRef, Subquery, UUIDField, Value
from django.db.models.functions import Coalesce, NullIf

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.families.models import Caregiver, Child, on_panel
from medhome.periodicity.rules import current_rules
from medhome.periodicity.schedule import current_schedule
from medhome.periodicity.windows import closes_on
from medhome.practices.scoping import scoped
from medhome.visits.models import Visit

from . import rules
from .models import CohortMember

NEED = Capability.GROUPCARE_RUN


@dataclass
class Proposal:
    """A group the practice could form: one site, one language, births within the span."""

    site_id: UUID | None
    language: str
    children: list[Child] = field(default_factory=list)
    families: set[UUID] = field(default_factory=set)

    @property
    def born_from(self) -> date:
        return self.children[0].date_of_birth

    @property
    def born_to(self) -> date:
        return self.children[-1].date_of_birth

    @property
    def family_count(self) -> int:
        return len(self.families)

    @property
    def is_enough(self) -> bool:
        return self.family_count >= rules.setting("min_families")

    @property
    def child_ids(self) -> list[UUID]:
        return [child.pk for child in self.children]


def youngest_too_old(today: date) -> date:
    """The latest birth date whose first session's window has closed by `today`: candidates are
    born after it. A window closes later for a later birth, so the walk back is short."""
    schedule = current_schedule(today)
    first = schedule.visit(rules.aligned_visits(today, schedule)[0].key)
    applied = current_rules()
    born = today
    while closes_on(born, first, schedule, applied) > today:
        born -= timedelta(days=1)
    return born


def candidates(actor: Actor, today: date) -> list[Child]:
    """Children on the panel, born after `youngest_too_old` and not after today, in no open
    group, with the site of their latest visit that names one (medhome keeps no home site, as
    the measures' site stratum) and their family's language (the primary contact's, else the
    child's). One query."""
    latest_site = (
        Visit.objects.filter(child_id=OuterRef("pk"), site__isnull=False)
        .order_by("-starts_at")
        .values("site_id")[:1]
    )
    family_language = (
        Caregiver.objects.filter(family_id=OuterRef("family_id"))
        .order_by("-is_primary_contact", "created_at")
        .values("preferred_language")[:1]
    )
    in_group = CohortMember.objects.filter(child_id=OuterRef("pk"), left_on__isnull=True)
    return list(
        scoped(actor, Child, need=NEED)
        .filter(date_of_birth__gt=youngest_too_old(today), date_of_birth__lte=today)
        .filter(on_panel(today))
        .exclude(Exists(in_group))
        .annotate(
            site_key=Subquery(latest_site, output_field=UUIDField()),
            family_language=Coalesce(
                NullIf(Subquery(family_language, output_field=CharField()), Value("")),
                "preferred_language",
            ),
        )
        .only(
            "pk",
            "family_id",
            "date_of_birth",
            "legal_given_name",
            "legal_family_name",
            "preferred_name",
            "preferred_language",
        )
        .order_by("date_of_birth", "pk")
    )


def group(children: list[Any], *, span_days: int, max_families: int) -> list[Proposal]:
    """Greedy: per (site, language), in birth order, a group opens with its first baby and takes
    the next ones born within `span_days` of it while it has room for their family; a brother
    or sister of a family already in (twins) always joins it."""
    proposals: list[Proposal] = []

    def key(child: Any) -> tuple[str, str]:
        return (str(child.site_key or ""), child.family_language or "")

    for _, members in groupby(sorted(children, key=lambda c: (key(c), c.date_of_birth)), key=key):
        current: Proposal | None = None
        for child in members:
            fits = (
                current is not None
                and (child.date_of_birth - current.born_from).days <= span_days
                and (child.family_id in current.families or current.family_count < max_families)
            )
            if not fits:
                current = Proposal(site_id=child.site_key, language=child.family_language or "")
                proposals.append(current)
            assert current is not None
            current.children.append(child)
            current.families.add(child.family_id)
    return proposals


def proposals(actor: Actor, today: date) -> list[Proposal]:
    """Every proposed group, the ones with enough families first, then by birth."""
    found = group(
        candidates(actor, today),
        span_days=rules.setting("birth_span_days"),
        max_families=rules.setting("max_families"),
    )
    return sorted(found, key=lambda p: (not p.is_enough, p.born_from, p.language))
