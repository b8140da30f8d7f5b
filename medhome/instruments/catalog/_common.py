"""Building blocks shared by the catalog modules: neutral option sets and band lookups."""

from collections.abc import Callable, Sequence

from medhome.instruments.definitions import Instrument, Option
from medhome.instruments.results import Context, Outcome

Scorer = Callable[[Context], Outcome]
Entry = tuple[Instrument, Scorer]

# LOINC answer codes for yes/no (LA33-6 Yes, LA32-8 No), as used in the bundled AHC file.
YES = "LA33-6"
NO = "LA32-8"


def points_label(points: int) -> str:
    return f"{points} point" if points == 1 else f"{points} points"


def yes_no(*, positive: str | None = None, scored: bool = False) -> tuple[Option, ...]:
    """Yes/No with neutral labels; `positive` marks the at-risk answer (YES or NO)."""
    return (
        Option(YES, 1 if scored else None, positive=positive == YES, label="Yes"),
        Option(NO, 0 if scored else None, positive=positive == NO, label="No"),
    )


def scale(codes: Sequence[str], scores: Sequence[int]) -> tuple[Option, ...]:
    """Licensed options: codes in printed order with their points, no authored text."""
    return tuple(
        Option(code, score, label=f"Answer {n} ({points_label(score)})")
        for n, (code, score) in enumerate(zip(codes, scores, strict=True), start=1)
    )


def band_for(total: int, bands: Sequence[tuple[int, str]]) -> str:
    """The band whose lower bound is the highest one ≤ total; `bands` ascending by bound."""
    chosen = bands[0][1]
    for low, key in bands:
        if total >= low:
            chosen = key
    return chosen
