"""A recommendation's moves as data: heard → under review → in progress → done, or not adopted
with the reason. A decision not to adopt may be reconsidered (back under review); "done" is final
— a new request is a new recommendation, so families can see each answer as it was given."""

from .models import RecommendationStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.HEARD: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.IN_PROGRESS, S.NOT_ADOPTED}),
    S.IN_PROGRESS: frozenset({S.DONE, S.NOT_ADOPTED}),
    S.NOT_ADOPTED: frozenset({S.UNDER_REVIEW}),
    S.DONE: frozenset(),
}
# Families read the practice's answer for these: it must be written before the move.
NEEDS_ANSWER = frozenset({S.DONE, S.NOT_ADOPTED})


def allowed(current: str) -> list[str]:
    return [status for status in S.values if status in TRANSITIONS[current]]
