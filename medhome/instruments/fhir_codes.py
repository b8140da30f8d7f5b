"""How an instrument is named in FHIR, in one place for what medhome sends (medhome.fhir's
Questionnaire and QuestionnaireResponse) and what it reads back (screening.imported): the
Questionnaire canonical, the answer codings' systems and the read-only total item."""

from .definitions import Instrument

CANONICAL_BASE = "http://medhome.org/fhir/Questionnaire/"
ANSWER_SYSTEM_BASE = "http://medhome.org/fhir/CodeSystem/answers-"
LOINC = "http://loinc.org"
TOTAL_LINK_ID = "total-score"


def canonical(key: str) -> str:
    return f"{CANONICAL_BASE}{key}"


def versioned_canonical(key: str, version: str) -> str:
    return f"{canonical(key)}|{version}"


def answer_system(instrument: Instrument, code: str) -> str:
    """LOINC answer codes (LA…) are LOINC's; medhome's own codes are in a per-instrument
    system."""
    return LOINC if code.startswith("LA") else f"{ANSWER_SYSTEM_BASE}{instrument.key}"
