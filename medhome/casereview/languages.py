"""The languages of a page of families against the team's speakers (the case-review list):
two queries whatever the number of families (docs/clinical-rules.md#team-languages)."""

from uuid import UUID

from medhome.core.actor import Actor
from medhome.families.models import Caregiver
from medhome.practices.scoping import scoped
from medhome.staff.speakers import Cover, cover, needs_cover, speakers_of


def covers_of(actor: Actor, family_ids: list[UUID], *, need: str) -> dict[UUID, list[Cover]]:
    """Each family's languages that need a line (not English, or an interpreter asked for), one
    per language however many caregivers speak it; needing an interpreter if any of them does."""
    wanted: dict[UUID, dict[str, bool]] = {}
    rows = (
        scoped(actor, Caregiver, need=need)
        .filter(family_id__in=family_ids)
        .values_list("family_id", "preferred_language", "needs_interpreter")
    )
    for family_id, language, interpreter in rows:
        if needs_cover(language, interpreter):
            mine = wanted.setdefault(family_id, {})
            mine[language] = mine.get(language, False) or interpreter
    codes = {code for mine in wanted.values() for code in mine}
    if not codes or actor.practice is None:
        return {}
    speakers = speakers_of(actor.practice, codes)
    return {
        family_id: [
            cover(code, interpreter, speakers) for code, interpreter in sorted(mine.items())
        ]
        for family_id, mine in wanted.items()
    }
