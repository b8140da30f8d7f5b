"""Scored screening results to reuse: answers drawn once per pattern, scored by the real
instrument code (medhome.instruments.scoring.score), kept as the row values an Administration
stores. A history of millions of screens then picks a pattern of the class it wants (negative,
positive, M-CHAT band, AHC domains) instead of scoring each one: every stored result is still
the instrument's own result for the stored answers.

Patterns that would raise a critical alert (EPDS item 10, AHC safety) are calmed as in
clinic._screening_history: past crises would have left alerts, and the history stays calm.
"""

import json
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from random import Random
from typing import Any

from medhome.instruments import registry
from medhome.instruments.definitions import Instrument, Respondent
from medhome.instruments.scoring import score

PATTERNS_PER_CLASS = 24
DRAWS = 600
RISK_LEVELS = (0.0, 0.05, 0.15, 0.3, 0.5, 0.8)
AHC_DOMAINS = ("food", "housing", "transportation", "utilities")


@dataclass(frozen=True)
class Result:
    """The stored columns of one scored administration (JSON already serialized)."""

    instrument_key: str
    instrument_version: str
    respondent: str
    mode: str
    answers: str
    total: int | None
    subscores: str
    band: str
    positive: bool | None
    next_step: str
    positive_domains: tuple[str, ...]
    positive_domains_json: str
    cpt: str
    icd10: str


def _ordered(item: object) -> list:
    options = [o for o in item.options if not getattr(o, "declined", False)]  # type: ignore[attr-defined]
    return sorted(options, key=lambda o: (o.positive, o.score or 0))


def _draw(rng: Random, instrument: Instrument, risky_item: Any) -> dict[str, str]:
    answers = {}
    for item in instrument.items:
        risky = risky_item(item)
        if item.number_range is not None:
            low, high = item.number_range
            middle = (low + high) // 2
            answers[item.link_id] = str(
                rng.randint(low, middle) if risky else rng.randint(middle, high)
            )
        elif item.options:
            ordered = _ordered(item)
            if instrument.key.startswith("swyc_milestones"):  # milestones: more points, calmer
                ordered.reverse()
            answers[item.link_id] = (
                rng.choice(ordered[len(ordered) // 2 :]).code if risky else ordered[0].code
            )
    return answers


def _result(
    instrument: Instrument, answers: dict[str, str], age_months: int | None
) -> Result | None:
    respondent = (
        Respondent.STAFF if instrument.respondent == Respondent.STAFF else Respondent.CAREGIVER
    )
    outcome = score(instrument, answers, respondent=respondent, age_months=age_months)
    if outcome.critical:
        for critical in outcome.critical:
            item = instrument.item(critical.link_id)
            if item is not None and item.options:
                answers[item.link_id] = _ordered(item)[0].code
        outcome = score(instrument, answers, respondent=respondent, age_months=age_months)
    if outcome.critical or not outcome.complete:
        return None
    return Result(
        instrument_key=instrument.key,
        instrument_version=instrument.version,
        respondent=str(respondent),
        mode="staff_entry" if respondent == Respondent.STAFF else "tablet",
        answers=json.dumps(answers),
        total=outcome.total,
        subscores=json.dumps(dict(outcome.subscores)),
        band=outcome.band,
        positive=outcome.positive,
        next_step=outcome.next_step,
        positive_domains=tuple(outcome.positive_domains),
        positive_domains_json=json.dumps(list(outcome.positive_domains)),
        cpt=outcome.cpt,
        icd10=outcome.icd10,
    )


def class_of(result: Result) -> str:
    if result.instrument_key == "mchat_r":
        return result.band  # low / medium / high
    if result.instrument_key == "ahc_hrsn":
        return "+".join(sorted(result.positive_domains))
    return "positive" if result.positive else "negative"


@cache
def pool(key: str, age_months: int | None = None) -> dict[str, tuple[Result, ...]]:
    """Scored patterns of one instrument by class; seeded, so the same in every run."""
    instrument = registry.get(key)
    rng = Random(f"medhome-synth:screen-pool:{key}:{age_months}")
    found: dict[str, list[Result]] = {}
    wanted: list[tuple[str, object]] = []
    if key == "ahc_hrsn":  # one set of risky groups per combination of the counted domains
        for size in range(len(AHC_DOMAINS) + 1):
            for combo in combinations(AHC_DOMAINS, size):
                wanted += [("+".join(sorted(combo)), frozenset(combo))] * PATTERNS_PER_CLASS
    else:
        wanted = [("", level) for level in RISK_LEVELS for _ in range(DRAWS // len(RISK_LEVELS))]
    for _, how in wanted:
        if isinstance(how, frozenset):
            answers = _draw(
                rng, instrument, lambda item, g=how: item.group in g and rng.random() < 0.7
            )
        else:
            answers = _draw(rng, instrument, lambda item, q=how: rng.random() < q)
        result = _result(instrument, answers, age_months)
        if result is not None:
            bucket = found.setdefault(class_of(result), [])
            if len(bucket) < PATTERNS_PER_CLASS:
                bucket.append(result)
    return {name: tuple(results) for name, results in found.items()}


def pick(rng: Random, key: str, wanted: str, age_months: int | None = None) -> Result:
    """A pattern of the wanted class, or of the nearest class the instrument produced."""
    patterns = pool(key, age_months)
    if wanted not in patterns:
        if key == "mchat_r":
            wanted = "medium" if wanted == "high" and "medium" in patterns else "low"
        elif key == "ahc_hrsn":
            wanted = max(patterns, key=lambda c: len(set(c.split("+")) & set(wanted.split("+"))))
        else:
            wanted = next(iter(patterns))
    return rng.choice(patterns[wanted])
