"""Social needs: Hunger Vital Sign™ and the CMS AHC HRSN core questions.

Sources: instruments.md §7–8; wording, answer codes and positive answers from data/hvs.json and
data/ahc-hrsn.json (see data/SOURCE.md). English only: no publisher Spanish was found.
"""

from django.utils.translation import gettext_lazy as _

from medhome.instruments.catalog import _data
from medhome.instruments.catalog._common import Entry
from medhome.instruments.definitions import Instrument, Option, Respondent, TextLicense
from medhome.instruments.results import Context, Critical, Outcome, build, lazy

# "Don't know/refused" (LOINC LA15775-2): a decline, not part of the published screen
# (data/hvs.json notes). It has no authored text; staff and forms show medhome's label.
DECLINED = Option("LA15775-2", None, label="Don't know / declined", declined=True)
CPT = {Respondent.CAREGIVER: "96161", Respondent.ADOLESCENT: "96160"}
# No social-needs screening encounter code is documented (interop-codes.md §4): a positive
# suggests Z55–Z65 codes for the clinician to confirm, so the screening code is left "".
NO_ICD = ""

HVS_DATA = _data.load("hvs")
HVS = Instrument(
    key="hvs",
    version="2010",
    name="Hunger Vital Sign",
    title={"en": "Hunger Vital Sign™"},
    respondent=Respondent.CAREGIVER,
    respondents=frozenset({Respondent.CAREGIVER, Respondent.ADOLESCENT}),
    rows=("social_needs",),
    general_developmental=False,
    min_age_months=None,
    max_age_months=None,
    items=_data.items(
        "hvs",
        {
            "1": {"extra_options": (DECLINED,), "group": "food"},
            "2": {"extra_options": (DECLINED,), "group": "food"},
        },
    ),
    text_license=TextLicense.BUNDLED,
    bundled_languages=frozenset({"en"}),
    license_note=HVS_DATA["license"],
    citation=HVS_DATA["citation"],
    sources=tuple(HVS_DATA["source"]),
    loinc_panel=HVS_DATA["loinc"]["panel"],
    loinc_total=None,
    loinc_result=HVS_DATA["result"]["loinc"],
    cpt="96161",
    cpt_by_respondent=CPT,
    icd10=NO_ICD,
    confidential=False,
    footer=_data.text({"en": HVS_DATA["citation"]}),
)

AHC_DATA = _data.load("ahc-hrsn")
DOMAINS = {
    "1": "housing",
    "2": "housing",
    "3": "food",
    "4": "food",
    "5": "transportation",
    "6": "utilities",
    "7": "safety",
    "8": "safety",
    "9": "safety",
    "10": "safety",
}
SAFETY = ("7", "8", "9", "10")
# medhome policy, not part of the instrument (instruments.md §8): any answer above "Never" to
# "physically hurt" (7) or "threaten with harm" (9) — the ≥ 11 rule misses most who report it.
HURT_OR_THREATEN = {
    "7": lazy(_("Reports being physically hurt.")),
    "9": lazy(_("Reports being threatened with harm.")),
}
AHC = Instrument(
    key="ahc_hrsn",
    version="2018",
    name="AHC HRSN",
    title={"en": "AHC Health-Related Social Needs Screening Tool"},
    respondent=Respondent.CAREGIVER,
    respondents=frozenset({Respondent.CAREGIVER, Respondent.ADOLESCENT}),
    rows=("social_needs",),
    general_developmental=False,
    min_age_months=None,
    max_age_months=None,
    items=_data.items("ahc-hrsn", {k: {"group": v} for k, v in DOMAINS.items()}),
    text_license=TextLicense.BUNDLED,
    bundled_languages=frozenset({"en"}),
    license_note=AHC_DATA["license"],
    citation=AHC_DATA["citation"],
    sources=tuple(AHC_DATA["source"]),
    loinc_panel=AHC_DATA["loinc"]["panel"],
    loinc_total=None,
    loinc_subscores={"safety": AHC_DATA["loinc"]["safety_total"]},
    cpt="96161",
    cpt_by_respondent=CPT,
    icd10=NO_ICD,
    confidential=False,
    footer=_data.text({"en": AHC_DATA["citation"]}),
    may_go_unasked=frozenset({"safety"}),
)


def score_hvs(ctx: Context) -> Outcome:
    """At risk if either statement is often or sometimes true (Hager 2010); both declined →
    not determined (medhome policy, instruments.md §7), one declined + never true → no risk.

    "Either" decides the result from one item: one statement often or sometimes true is at
    risk even when the other was left blank, and the result says so (issue 14; a blank beside
    "never true" still decides nothing, so that form stays incomplete).
    """
    chosen = [ctx.answers.option(i.link_id) for i in HVS.items]
    unanswered = any(o is None for o in chosen)
    if any(o is not None and o.positive for o in chosen):
        band, positive = "positive", True
    elif all(o is not None and o.declined for o in chosen):
        band, positive = "not_determined", None
    else:
        band, positive = "negative", False
    label = None
    if positive and unanswered:
        label = lazy(_("At risk for food insecurity (the other statement was not answered)"))
    elif positive:
        label = lazy(_("At risk for food insecurity"))
    return build(
        ctx,
        complete=True if positive else None,
        band=band,
        band_label=label,
        positive=positive,
        next_step="refer_resources" if positive else "",
        positive_domains=("food",) if positive else (),
        flags=("hvs_item_unanswered",) if positive and unanswered else (),
    )


def score_ahc(ctx: Context) -> Outcome:
    """Each domain positive by the tool's underlined answers (CMS 2018); safety by its total.

    A safety block that was not asked (answers.unasked: an imported form, medhome rule,
    docs/clinical-rules.md#imported-screens) leaves the safety domain not determined: no total,
    no safety finding either way, and a result label that says so, so a negative screen is
    never read as a negative safety screen.
    """
    answers = ctx.answers
    critical = [
        Critical(link_id, "safety", reason)
        for link_id, reason in HURT_OR_THREATEN.items()
        if (option := answers.option(link_id)) is not None and (option.score or 0) > 1
    ]
    safety_complete = all(answers.answered(i) for i in SAFETY)
    safety = answers.sum(SAFETY) if safety_complete else None
    if safety is not None and safety >= 11:  # "11 or more" (CMS; instruments.md §8)
        critical.append(
            Critical("safety_total", "safety", lazy(_("Interpersonal safety score 11 or more.")))
        )
    domains: list[str] = []
    for link_id, domain in DOMAINS.items():
        if domain == "safety" or domain in domains:
            continue
        if any(o.positive for o in answers.options(link_id)):
            domains.append(domain)
    if safety is not None and safety >= 11:
        domains.append("safety")
    unasked = "safety" in answers.unasked
    label = None
    if unasked and domains:
        label = lazy(_("Positive; interpersonal safety not asked (not determined)"))
    elif unasked:
        label = lazy(
            _("Negative for the needs asked; interpersonal safety not asked (not determined)")
        )
    return build(
        ctx,
        subscores={} if safety is None else {"safety": safety},
        band="positive" if domains else "negative",
        band_label=label,
        positive=bool(domains),
        next_step="refer_resources" if domains else "",
        critical=critical,
        positive_domains=domains,
        cutoff=None if unasked else 11,
        not_determined=("safety",) if unasked else (),
    )


ENTRIES: tuple[Entry, ...] = ((HVS, score_hvs), (AHC, score_ahc))
