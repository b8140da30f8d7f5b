"""Screening instruments as versioned, immutable data.

The structure, scoring facts and codes live here; the authors' wording lives in data/*.json
(bundled, free licences) or in a practice's TextPack (licensed). Detail and sources:
docs/domain/instruments.md and docs/clinical-rules.md#screening-instruments and
docs/clinical-rules.md#codes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

EMPTY: Mapping[str, str] = MappingProxyType({})


class Respondent(StrEnum):
    CAREGIVER = "caregiver"
    ADOLESCENT = "adolescent"
    # Staff-only forms: ASQ scores from the licensed paper form, the M-CHAT-R/F Follow-Up interview.
    STAFF = "staff"


class TextLicense(StrEnum):
    BUNDLED = "bundled"
    LICENSED_PACK = "licensed_pack"
    PROPRIETARY = "proprietary"


# The periodicity rows an instrument can satisfy (docs/clinical-rules.md#periodicity-rows).
ROWS = frozenset(
    {
        "developmental",
        "autism",
        "caregiver_depression",
        "behavioral",
        "social_needs",
        "depression_suicide",
        "substance_use",
    }
)


@dataclass(frozen=True)
class Option:
    code: str
    score: int | None
    text: Mapping[str, str] = EMPTY  # authored text by language; empty when licensed/proprietary
    positive: bool = False  # the at-risk answer on items without points
    label: str = ""  # medhome's neutral staff label ("1 point", "Yes"), never the authors' words
    declined: bool = False  # "don't know / refused": answered, but carries no information


@dataclass(frozen=True)
class Item:
    link_id: str
    loinc: str | None
    text: Mapping[str, str] = EMPTY
    options: tuple[Option, ...] = ()
    number_range: tuple[int, int] | None = None  # inclusive; whole numbers only
    label: str = ""  # medhome's neutral staff label ("Item 10", "Communication score")
    required: bool = True
    group: str = ""  # subscale / domain key
    multiple: bool = False  # several codes may be chosen (AHC item 2)

    def __post_init__(self) -> None:
        if bool(self.options) == (self.number_range is not None):
            raise ValueError(f"item {self.link_id}: give exactly one of options/number_range")

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    name: str
    title: Mapping[str, str]
    respondent: Respondent  # the usual respondent; see `respondents` for the others allowed
    rows: tuple[str, ...]
    general_developmental: bool
    min_age_months: int | None  # of the child, inclusive, completed months
    max_age_months: int | None
    items: tuple[Item, ...]
    text_license: TextLicense
    bundled_languages: frozenset[str]
    license_note: str
    citation: str
    sources: tuple[str, ...]
    loinc_panel: str | None
    loinc_total: str | None
    cpt: str  # default for `respondent`; use cpt_for() when someone else answers
    icd10: str
    confidential: bool
    footer: Mapping[str, str] = EMPTY
    preamble: Mapping[str, str] = EMPTY
    respondents: frozenset[Respondent] = frozenset()
    cpt_by_respondent: Mapping[Respondent, str] = field(default_factory=dict)
    icd10_by_respondent: Mapping[Respondent, str] = field(default_factory=dict)
    loinc_result: str | None = None  # a coded screen result (HVS 88124-3)
    loinc_subscores: Mapping[str, str] = EMPTY  # subscale key -> LOINC (AHC safety 95614-4)
    # Required items that may be blank and count 0 (PSC-17: ≤ 3 blanks; BPSC: blanks = 0).
    max_missing: int = 0
    # Item groups a form may lack as a whole when the caller knows they were not asked (the AHC
    # HRSN's partner-violence items, which never leave medhome): the other groups are scored and
    # these are "not determined", never negative (docs/clinical-rules.md#imported-screens).
    may_go_unasked: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.rows) - ROWS
        if unknown:
            raise ValueError(f"{self.key}: unknown periodicity rows {sorted(unknown)}")
        link_ids = [i.link_id for i in self.items]
        if len(link_ids) != len(set(link_ids)):
            raise ValueError(f"{self.key}: duplicate link ids")
        if not self.respondents:
            object.__setattr__(self, "respondents", frozenset({self.respondent}))
        unknown_groups = self.may_go_unasked - {i.group for i in self.items}
        if unknown_groups:
            raise ValueError(f"{self.key}: unknown item groups {sorted(unknown_groups)}")

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)

    @property
    def link_ids(self) -> tuple[str, ...]:
        return tuple(i.link_id for i in self.items)


def cpt_for(instrument: Instrument, respondent: Respondent | None = None) -> str:
    """The screening CPT code when `respondent` answered (96161 caregiver, 96127 patient)."""
    from medhome.instruments import thresholds

    override = thresholds.cpt_override(instrument.key)
    if override:
        return override
    if respondent is not None and respondent in instrument.cpt_by_respondent:
        return instrument.cpt_by_respondent[respondent]
    return instrument.cpt


def icd10_for(instrument: Instrument, respondent: Respondent | None = None) -> str:
    if respondent is not None and respondent in instrument.icd10_by_respondent:
        return instrument.icd10_by_respondent[respondent]
    return instrument.icd10


def is_confidential(instrument: Instrument, respondent: Respondent | None = None) -> bool:
    """Confidentiality follows the respondent: an adolescent's own answers
    (docs/clinical-rules.md#adolescent-confidentiality)."""
    return instrument.confidential or respondent == Respondent.ADOLESCENT
