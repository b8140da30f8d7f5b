"""PHQ-2, PHQ-9 and PHQ-9 Modified for Teens (PHQ-A).

Sources: instruments.md §2 (PHQ-2/9: Kroenke 2001, 2003) and §3 (teen form: GLAD-PC; Richardson
2010 cut-off); wording and LOINC from data/phq9.json (see data/SOURCE.md).
"""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from medhome.instruments import thresholds
from medhome.instruments.catalog import _data
from medhome.instruments.catalog._common import YES, Entry, band_for, scale, yes_no
from medhome.instruments.definitions import (
    Instrument,
    Item,
    Option,
    Respondent,
    TextLicense,
)
from medhome.instruments.results import Context, Critical, Outcome, build, lazy

DATA = _data.load("phq9")
FOOTER = {
    "en": _data.sentence(DATA["license"], r"^(Developed by .*? distribute\.)"),
    "es": _data.sentence(DATA["license"], r"'(Elaborado por .*? distribuir\.)'"),
}
ITEMS = _data.items("phq9")
SEVERITY = ((0, "none"), (5, "mild"), (10, "moderate"), (15, "moderately_severe"), (20, "severe"))
SCORED = tuple(str(n) for n in range(1, 10))
CAREGIVER_CPT = {Respondent.CAREGIVER: "96161", Respondent.ADOLESCENT: "96127"}
# Z13.32 maternal depression screening for a caregiver screened at the child's visit, Z13.31
# depression screening for the patient (docs/clinical-rules.md#codes; interop-codes.md §4.2).
CAREGIVER_ICD = {Respondent.CAREGIVER: "Z13.32", Respondent.ADOLESCENT: "Z13.31"}
PFIZER = (
    "Pfizer Inc.: no permission required to reproduce, translate, display or distribute "
    "(instruments.md §2; data/phq9.json)."
)

PHQ9 = Instrument(
    key="phq9",
    version="2001",
    name="PHQ-9",
    title=_data.text({"en": "Patient Health Questionnaire-9 (PHQ-9)", **DATA["title_localized"]}),
    respondent=Respondent.CAREGIVER,
    respondents=frozenset({Respondent.CAREGIVER, Respondent.ADOLESCENT}),
    rows=("caregiver_depression", "depression_suicide"),
    general_developmental=False,
    min_age_months=None,
    max_age_months=None,
    items=ITEMS,
    text_license=TextLicense.BUNDLED,
    bundled_languages=frozenset({"en", "es"}),
    license_note=PFIZER,
    citation=DATA["citation"],
    sources=tuple(DATA["source"]),
    loinc_panel=DATA["loinc"]["panel"],
    loinc_total=DATA["loinc"]["total"],
    cpt="96161",
    cpt_by_respondent=CAREGIVER_CPT,
    icd10="Z13.32",
    icd10_by_respondent=CAREGIVER_ICD,
    confidential=False,
    footer=_data.text(FOOTER),
    preamble=_data.text(DATA["preamble"]),
)

PHQ2 = Instrument(
    key="phq2",
    version="2003",
    name="PHQ-2",
    title=_data.text({"en": "Patient Health Questionnaire-2 (PHQ-2)"}),
    respondent=Respondent.CAREGIVER,
    respondents=frozenset({Respondent.CAREGIVER, Respondent.ADOLESCENT}),
    # A PHQ-2 gate counts for caregiver depression only where the practice opts in
    # (docs/clinical-rules.md#suicide-risk-question); it never satisfies depression_suicide (no
    # self-harm item).
    rows=("caregiver_depression",),
    general_developmental=False,
    min_age_months=None,
    max_age_months=None,
    items=ITEMS[:2],
    text_license=TextLicense.BUNDLED,
    bundled_languages=frozenset({"en", "es"}),
    license_note=PFIZER,
    citation=DATA["citation"],
    sources=tuple(DATA["source"]),
    loinc_panel=DATA["loinc"]["phq2_panel"],
    loinc_total=DATA["loinc"]["phq2_total"],
    cpt="96161",
    cpt_by_respondent=CAREGIVER_CPT,
    icd10="Z13.32",
    icd10_by_respondent=CAREGIVER_ICD,
    confidential=False,
    footer=_data.text(FOOTER),
    preamble=_data.text(DATA["preamble"]),
)

# Teen form: same option codes and points as the PHQ-9 (instruments.md §3); its wording is the
# GLAD-PC modification ("use with permission"), so it ships without text. Teen item order
# differs (item 1 "down", item 2 "interest"): key by link id, never by position.
FREQUENCY = scale(("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"), (0, 1, 2, 3))
DIFFICULTY = tuple(
    Option(o.code, None, label=f"Answer {n}") for n, o in enumerate(ITEMS[9].options, start=1)
)
PHQA = Instrument(
    key="phqa",
    version="2010",  # GLAD-PC toolkit version 2, 2010 (instruments.md §3)
    name="PHQ-A",
    title=_data.text({"en": "PHQ-9: Modified for Teens"}),
    respondent=Respondent.ADOLESCENT,
    rows=("depression_suicide",),
    general_developmental=False,
    min_age_months=144,
    max_age_months=216,
    items=(
        *(Item(n, None, options=FREQUENCY, label=f"Item {n}") for n in SCORED),
        Item("past_year", None, options=yes_no(positive=YES), label="Past year", required=False),
        Item("difficulty", None, options=DIFFICULTY, label="Difficulty", required=False),
        Item(
            "past_month_thoughts",
            None,
            options=yes_no(positive=YES),
            label="Serious thoughts, past month",
            required=False,
        ),
        Item(
            "ever_attempt",
            None,
            options=yes_no(positive=YES),
            label="Ever attempted",
            required=False,
        ),
    ),
    text_license=TextLicense.LICENSED_PACK,
    bundled_languages=frozenset(),
    license_note=(
        "GLAD-PC form footer: 'Use with Permission' — electronic reproduction terms unverified; "
        "load the wording as a text pack once permission is held (instruments.md §3)."
    ),
    citation=(
        "Richardson LP, McCauley E, Grossman DC, et al. Evaluation of the Patient Health "
        "Questionnaire-9 item for detecting major depression among adolescents. Pediatrics "
        "2010;126(6):1117-23. Guidelines for Adolescent Depression in Primary Care, v2, 2010."
    ),
    sources=("docs/domain/instruments.md §3", "https://loinc.org/89204-2"),
    loinc_panel="89206-7",
    loinc_total="89204-2",
    cpt="96127",
    icd10="Z13.31",
    confidential=True,
)


def _depression(
    ctx: Context, *, adolescent_default: bool, extra: list[Critical], flags: list[str]
) -> Outcome:
    answers = ctx.answers
    critical = []
    option9 = answers.option("9")
    if option9 is not None and (option9.score or 0) >= 1:
        critical.append(Critical("9", "self_harm", lazy(_("Item 9 answered above 'not at all'."))))
    critical.extend(extra)
    total = answers.sum(SCORED)
    adolescent = adolescent_default or ctx.respondent == Respondent.ADOLESCENT
    cutoff = thresholds.phq9_positive(ctx.age_years, adolescent_default=adolescent)
    positive = total >= cutoff
    return build(
        ctx,
        total=total,
        band=band_for(total, SEVERITY),
        positive=positive,
        next_step="evaluate" if positive else "",
        critical=critical,
        flags=flags,
        cutoff=cutoff,
    )


def score_phq9(ctx: Context) -> Outcome:
    return _depression(ctx, adolescent_default=False, extra=[], flags=[])


def score_phqa(ctx: Context) -> Outcome:
    """Item 9, past-month thoughts and a lifetime attempt each raise a self-harm alert (GLAD-PC
    "MUST be followed up", instruments.md §3); the extras never enter the total."""
    reasons = {
        "past_month_thoughts": lazy(_("Serious thoughts of ending life in the past month.")),
        "ever_attempt": lazy(_("History of a suicide attempt.")),
    }
    extra = [
        Critical(link_id, "self_harm", reason)
        for link_id, reason in reasons.items()
        if ctx.answers.codes(link_id) == (YES,)
    ]
    # Past-year "yes" suggests dysthymia: shown to the clinician, not a screen result.
    flags = ["phqa_past_year"] if ctx.answers.codes("past_year") == (YES,) else []
    if ctx.respondent is None:
        ctx = replace(ctx, respondent=Respondent.ADOLESCENT)
    return _depression(ctx, adolescent_default=True, extra=extra, flags=flags)


def score_phq2(ctx: Context) -> Outcome:
    total = ctx.answers.sum(("1", "2"))
    positive = total >= 3  # Kroenke 2003; instruments.md §2
    return build(
        ctx,
        total=total,
        band="positive" if positive else "negative",
        positive=positive,
        next_step="give_phq9" if positive else "",
        next_step_pending=positive,
        cutoff=3,
    )


ENTRIES: tuple[Entry, ...] = ((PHQ2, score_phq2), (PHQ9, score_phq9), (PHQA, score_phqa))
