"""Who on a practice's team speaks a family's language (docs/clinical-rules.md#team-languages)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from medhome.core.languages import base_language, language_name
from medhome.practices.models import Practice

from .models import Proficiency, StaffLanguage

# docs/clinical-rules.md#team-languages: who counts as "a speaker" of a family's language on the
# huddle sheet, the case review and the coverage page — conversational and above (ILR 2+), the
# level at which a colleague can hold a simple conversation with the family.
SPEAKER_LEVELS = frozenset({Proficiency.CONVERSATIONAL, Proficiency.FLUENT, Proficiency.NATIVE})
# Below fluent, a family's recorded interpreter need is said again: nobody can stand in for one.
FLUENT_LEVELS = frozenset({Proficiency.FLUENT, Proficiency.NATIVE})


def languages_of(user: Any) -> list[StaffLanguage]:
    return list(StaffLanguage.objects.filter(user=user))


@dataclass(frozen=True)
class Speaker:
    user_id: int
    name: str
    proficiency: str

    @property
    def level(self) -> str:
        return str(Proficiency(self.proficiency).label)

    @property
    def fluent(self) -> bool:
        return self.proficiency in FLUENT_LEVELS


def speakers_of(
    practice: Practice, languages: Iterable[str], *, prefer: Iterable[int] = ()
) -> dict[str, list[Speaker]]:
    """Who on the practice's team (its active members) speaks each language, by base language
    ("es" for "es-MX"), in one query. Colleagues in `prefer` (the day's booked clinicians) come
    first, then the most proficient, then by name."""
    bases = {base_language(code) for code in languages if code}
    if not bases:
        return {}
    same = Q()
    for base in bases:
        same |= Q(language=base) | Q(language__startswith=f"{base}-")
    rows = (
        StaffLanguage.objects.filter(
            same,
            proficiency__in=SPEAKER_LEVELS,
            user__is_active=True,
            user__memberships__practice=practice,
            user__memberships__is_active=True,
        )
        .values_list("language", "proficiency", "user_id", "user__first_name", "user__last_name")
        .distinct()
    )
    first = set(prefer)
    rank = {level: n for n, level in enumerate(reversed(Proficiency.values))}
    found: dict[str, dict[int, Speaker]] = {}
    for code, level, user_id, given, family in rows:
        speaker = Speaker(user_id, f"{given} {family}".strip(), level)
        mine = found.setdefault(base_language(code), {})
        if user_id not in mine or rank[level] < rank[mine[user_id].proficiency]:
            mine[user_id] = speaker
    return {
        base: sorted(
            mine.values(),
            key=lambda s: (s.user_id not in first, rank[s.proficiency], s.name),
        )
        for base, mine in found.items()
    }


@dataclass(frozen=True)
class Cover:
    """A family's language against the team: who speaks it, and whether to book an interpreter
    (nobody speaks it, or the family needs an interpreter and nobody is fluent)."""

    language: str
    name: str
    speakers: tuple[Speaker, ...]
    needs_interpreter: bool

    @property
    def book_interpreter(self) -> bool:
        if not self.speakers:
            return True
        return self.needs_interpreter and not any(s.fluent for s in self.speakers)


def needs_cover(language: str, needs_interpreter: bool) -> bool:
    """English-speaking families need no line, unless they asked for an interpreter."""
    return bool(language) and (needs_interpreter or base_language(language) != "en")


def cover(
    language: str,
    needs_interpreter: bool,
    speakers: dict[str, list[Speaker]],
    *,
    first: object = None,
) -> Cover:
    """The line for one family, from speakers_of's answer; `first` (a user id: the visit's
    clinician) is named first when they speak it."""
    found = sorted(speakers.get(base_language(language), []), key=lambda s: s.user_id != first)
    return Cover(language, language_name(language), tuple(found), needs_interpreter)
