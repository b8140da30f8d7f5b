"""Language coverage: each language the practice's families speak against the team's speakers
of it (docs/clinical-rules.md#team-languages). Two queries: the families' languages, the
speakers. Family counts of 1-10 are shown as a range (core.suppression), as every figure of the
practice's population is."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef

from medhome.accounts.roles import Capability
from medhome.core.actor import Actor
from medhome.core.languages import base_language, language_name
from medhome.core.suppression import is_small
from medhome.families.models import Caregiver, Child
from medhome.practices.scoping import scoped
from medhome.staff.speakers import Speaker, speakers_of

NEED = Capability.MEASURES_READ


@dataclass(frozen=True)
class LanguageCoverage:
    language: str
    name: str
    families: int
    speakers: tuple[Speaker, ...]

    @property
    def hidden(self) -> bool:
        return is_small(self.families)

    @property
    def shown_families(self) -> int | None:
        return None if self.hidden else self.families

    @property
    def fluent(self) -> int:
        return sum(1 for s in self.speakers if s.fluent)


def language_coverage(actor: Actor, *, on: date) -> list[LanguageCoverage]:
    """A family counts once for each language one of its caregivers prefers (by base language:
    "es-MX" is Spanish), when a child of theirs is on the panel on `on`. Most families first."""
    on_panel = Child.objects.on_panel(on).filter(family=OuterRef("family_id"))
    pairs = (
        scoped(actor, Caregiver, need=NEED)
        .filter(Exists(on_panel))
        .values_list("family_id", "preferred_language")
        .distinct()
    )
    families: dict[str, set[UUID]] = {}
    for family_id, language in pairs:
        if language:
            families.setdefault(base_language(language), set()).add(family_id)
    if not families or actor.practice is None:
        return []
    speakers = speakers_of(actor.practice, families)
    rows = [
        LanguageCoverage(code, language_name(code), len(ids), tuple(speakers.get(code, [])))
        for code, ids in families.items()
    ]
    return sorted(rows, key=lambda row: (-row.families, row.name))
