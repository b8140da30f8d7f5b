"""GAD-2 and GAD-7.

Sources: instruments.md §4 (Spitzer 2006; Kroenke 2007); wording and LOINC from data/gad7.json.
"""

from medhome.instruments import thresholds
from medhome.instruments.catalog import _data
from medhome.instruments.catalog._common import Entry, band_for
from medhome.instruments.definitions import Instrument, Respondent, TextLicense
from medhome.instruments.results import Context, Outcome, build

DATA = _data.load("gad7")
FOOTER = {"en": _data.sentence(DATA["license"], r"^(Developed by .*? distribute\.)")}
ITEMS = _data.items("gad7")
SEVERITY = ((0, "none"), (5, "mild"), (10, "moderate"), (15, "severe"))
PFIZER = (
    "Pfizer Inc.: no permission required to reproduce, translate, display or distribute "
    "(instruments.md §4; data/gad7.json). No Spanish footer was collected."
)
RESPONDENTS = frozenset({Respondent.CAREGIVER, Respondent.ADOLESCENT})
CPT = {Respondent.CAREGIVER: "96161", Respondent.ADOLESCENT: "96127"}


def _gad(key: str, version: str, name: str, items: int, citation_note: str) -> Instrument:
    full = items == 7
    return Instrument(
        key=key,
        version=version,
        name=name,
        title=_data.text({"en": f"Generalized Anxiety Disorder {items}-item scale ({name})"}),
        respondent=Respondent.CAREGIVER,
        respondents=RESPONDENTS,
        rows=("behavioral",),
        general_developmental=False,
        min_age_months=None,
        max_age_months=None,
        items=ITEMS[:items],
        text_license=TextLicense.BUNDLED,
        # Spanish preamble/items/options are Pfizer's (data/SOURCE.md); GAD-2 reuses items 1–2.
        bundled_languages=frozenset({"en", "es"}),
        license_note=PFIZER,
        citation=f"{DATA['citation']} {citation_note}".strip(),
        sources=tuple(DATA["source"]),
        # GAD-2 panel/total LOINC: none confirmed (instruments.md §4) — left None.
        loinc_panel=DATA["loinc"]["panel"] if full else DATA["loinc"]["gad2_panel"],
        loinc_total=DATA["loinc"]["total"] if full else DATA["loinc"]["gad2_total"],
        cpt="96161",
        cpt_by_respondent=CPT,
        # No anxiety-screening code in the reference: Z13.39 "other mental health and behavioral
        # disorders" is the documented closest (interop-codes.md §4.2).
        icd10="Z13.39",
        confidential=False,
        footer=_data.text(FOOTER),
        preamble=_data.text(DATA["preamble"]),
    )


GAD7 = _gad("gad7", "2006", "GAD-7", 7, "")
GAD2 = _gad("gad2", "2007", "GAD-2", 2, "")


def score_gad7(ctx: Context) -> Outcome:
    total = ctx.answers.sum(i.link_id for i in GAD7.items)
    cutoff = int(thresholds.get("gad7_positive"))
    positive = total >= cutoff
    return build(
        ctx,
        total=total,
        band=band_for(total, SEVERITY),
        positive=positive,
        next_step="evaluate" if positive else "",
        cutoff=cutoff,
    )


def score_gad2(ctx: Context) -> Outcome:
    total = ctx.answers.sum(("1", "2"))
    positive = total >= 3  # Kroenke 2007; instruments.md §4: "≥ 3 → administer GAD-7"
    return build(
        ctx,
        total=total,
        band="positive" if positive else "negative",
        positive=positive,
        next_step="give_gad7" if positive else "",
        next_step_pending=positive,
        cutoff=3,
    )


ENTRIES: tuple[Entry, ...] = ((GAD2, score_gad2), (GAD7, score_gad7))
