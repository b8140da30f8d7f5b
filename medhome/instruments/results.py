"""What scoring returns, and the answers as the scorers read them (re-exported by scoring.py)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import cast

from django.utils.translation import gettext_lazy as _

from medhome.instruments.definitions import (
    Instrument,
    Item,
    Option,
    Respondent,
    cpt_for,
    icd10_for,
)

CRITICAL_KINDS = frozenset({"self_harm", "safety", "safety_counselling"})


def lazy(text: object) -> str:
    """A gettext_lazy label typed as str: it renders in the language active when shown."""
    return cast(str, text)


@dataclass(frozen=True)
class Critical:
    link_id: str
    kind: str  # "self_harm" | "safety" | "safety_counselling" (the last is not an emergency)
    reason: str

    def __post_init__(self) -> None:
        if self.kind not in CRITICAL_KINDS:
            raise ValueError(f"unknown critical kind {self.kind!r}")

    @property
    def alerts(self) -> bool:
        """True when the answer raises a critical alert (safety counselling does not)."""
        return self.kind != "safety_counselling"


@dataclass(frozen=True)
class Outcome:
    complete: bool
    total: int | None
    subscores: Mapping[str, int]
    band: str
    band_label: str
    positive: bool | None
    next_step: str
    next_step_label: str
    next_step_pending: bool
    critical: tuple[Critical, ...]
    positive_domains: tuple[str, ...]
    cpt: str
    icd10: str
    # Informational findings that are not the screen result, e.g. "epds_anxiety",
    # "psc17_internalizing", "bpsc_irritability", "asq_overall_concern".
    flags: tuple[str, ...] = ()
    # The cut-off the result was judged against, for display ("≥ 11").
    cutoff: int | None = None
    # Hard alerts only (excludes safety counselling).
    alerts: tuple[Critical, ...] = field(default=())
    # Domains the form did not determine because they were not asked (Instrument.may_go_unasked):
    # neither positive nor negative.
    not_determined: tuple[str, ...] = ()


BAND_LABELS: dict[str, str] = {
    "": lazy(""),
    "none": lazy(_("None–minimal")),
    "minimal": lazy(_("Minimal")),
    "mild": lazy(_("Mild")),
    "moderate": lazy(_("Moderate")),
    "moderately_severe": lazy(_("Moderately severe")),
    "severe": lazy(_("Severe")),
    "low": lazy(_("Low risk")),
    "medium": lazy(_("Medium risk")),
    "high": lazy(_("High risk")),
    "possible": lazy(_("Possible depression")),
    "probable": lazy(_("Probable depression")),
    "positive": lazy(_("Positive")),
    "negative": lazy(_("Negative")),
    "not_determined": lazy(_("Not determined")),
    "typical": lazy(_("On schedule")),
    "monitor": lazy(_("Monitor")),
    "refer": lazy(_("Refer")),
    "needs_review": lazy(_("Needs review")),
}

NEXT_STEP_LABELS: dict[str, str] = {
    "": lazy(""),
    "give_phq9": lazy(_("Give the PHQ-9")),
    "give_gad7": lazy(_("Give the GAD-7")),
    "mchat_followup": lazy(_("Do the M-CHAT-R/F Follow-Up interview")),
    "refer": lazy(_("Refer for evaluation")),
    "evaluate": lazy(_("Clinician assessment")),
    "safety_review": lazy(_("Same-day clinician safety review")),
    "discuss": lazy(_("Discuss with the family")),
    "refer_resources": lazy(_("Offer community resources")),
    "monitor": lazy(_("Learning activities and rescreen")),
    "rescreen": lazy(_("Rescreen at a later visit")),
    "counsel": lazy(_("Brief advice and riding/driving safety counselling")),
}


class Answers:
    """The validated answers of one form, read by link id."""

    def __init__(
        self, instrument: Instrument, raw: Mapping[str, object], *, allow_unasked: bool = False
    ) -> None:
        self.instrument = instrument
        self.raw = {k: v for k, v in raw.items() if not _blank(v)}
        # A group counts as not asked only when none of its items is answered: a block begun
        # and left unfinished is an incomplete form, as any other.
        self.unasked = (
            frozenset(
                group
                for group in instrument.may_go_unasked
                if not any(self.answered(i.link_id) for i in instrument.items if i.group == group)
            )
            if allow_unasked
            else frozenset()
        )

    def answered(self, link_id: str) -> bool:
        return link_id in self.raw

    def codes(self, link_id: str) -> tuple[str, ...]:
        return split_codes(self.raw.get(link_id))

    def option(self, link_id: str) -> Option | None:
        item = self._item(link_id)
        codes = self.codes(link_id)
        return item.option(codes[0]) if codes else None

    def options(self, link_id: str) -> tuple[Option, ...]:
        item = self._item(link_id)
        return tuple(o for c in self.codes(link_id) if (o := item.option(c)) is not None)

    def number(self, link_id: str) -> int | None:
        value = self.raw.get(link_id)
        return None if value is None else int(str(value).strip())

    def points(self, link_id: str) -> int | None:
        """An item's points: the option's score, or the number entered."""
        item = self._item(link_id)
        if item.number_range is not None:
            return self.number(link_id)
        option = self.option(link_id)
        return None if option is None else option.score

    def sum(self, link_ids: Iterable[str]) -> int:
        """Sum of points; a blank counts 0 (callers decide first whether blanks are allowed)."""
        return sum(self.points(i) or 0 for i in link_ids)

    def missing_required(self) -> tuple[str, ...]:
        return tuple(
            i.link_id
            for i in self.instrument.items
            if i.required and not self.answered(i.link_id) and i.group not in self.unasked
        )

    @property
    def complete(self) -> bool:
        if not self.raw:
            return False
        return len(self.missing_required()) <= self.instrument.max_missing

    def _item(self, link_id: str) -> Item:
        item = self.instrument.item(link_id)
        if item is None:
            raise KeyError(link_id)
        return item


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset):
        return not any(str(v).strip() for v in value)
    return False


def split_codes(value: object) -> tuple[str, ...]:
    """Codes of an answer: one code, a comma-separated string, or a sequence (multi-select)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple | set | frozenset):
        parts = [str(v) for v in value]
    else:
        parts = str(value).split(",")
    return tuple(p.strip() for p in parts if p.strip())


@dataclass(frozen=True)
class Context:
    """One scoring request: the answers and who gave them, at what age."""

    answers: Answers
    respondent: Respondent | None = None
    age_years: int | None = None
    age_months: int | None = None


def build(
    ctx: Context,
    *,
    complete: bool | None = None,
    total: int | None = None,
    subscores: Mapping[str, int] | None = None,
    band: str = "",
    band_label: str | None = None,
    positive: bool | None = None,
    next_step: str = "",
    next_step_pending: bool = False,
    critical: Iterable[Critical] = (),
    positive_domains: Iterable[str] = (),
    flags: Iterable[str] = (),
    cutoff: int | None = None,
    not_determined: Iterable[str] = (),
) -> Outcome:
    """Assemble an Outcome; an incomplete form never carries a total, band or result."""
    answers, respondent = ctx.answers, ctx.respondent
    instrument = answers.instrument
    complete = answers.complete if complete is None else complete
    critical = tuple(critical)
    if not complete:
        total, band, band_label, positive, next_step_pending = None, "", None, None, False
        subscores, positive_domains, flags, cutoff = {}, (), (), None
        next_step, not_determined = "", ()
    if critical and any(c.alerts for c in critical):
        next_step = "safety_review"
    return Outcome(
        complete=complete,
        total=total,
        subscores=MappingProxyType(dict(subscores or {})),
        band=band,
        band_label=BAND_LABELS.get(band, lazy("")) if band_label is None else band_label,
        positive=positive,
        next_step=next_step,
        next_step_label=NEXT_STEP_LABELS[next_step],
        next_step_pending=next_step_pending,
        critical=critical,
        positive_domains=tuple(positive_domains),
        cpt=cpt_for(instrument, respondent),
        icd10=icd10_for(instrument, respondent),
        flags=tuple(flags),
        cutoff=cutoff,
        alerts=tuple(c for c in critical if c.alerts),
        not_determined=tuple(not_determined),
    )
