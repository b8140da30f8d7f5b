"""SWYC — Survey of Well-being of Young Children: Milestones, BPSC, PPSC, POSI.

Source: instruments.md §6 (Perrin, Sheldrick et al.; © 2010 Tufts Medical Center, now TEAM UP /
Boston Medical Center). Free to use, but the terms for electronic distribution are unverified,
so the wording ships as a licensed pack. Several cut-offs are unverified: thresholds.py.
The Parent's Concerns and Family Questions are not modelled (their item rules are unverified).
"""

from django.utils.translation import gettext_lazy as _

from medhome.instruments import thresholds
from medhome.instruments.catalog._common import Entry, scale
from medhome.instruments.definitions import Instrument, Item, Option, Respondent, TextLicense
from medhome.instruments.results import Context, Outcome, build, lazy

VERSION = "2010"  # copyright year of the SWYC; the form revision printed on a pack is unverified
LICENSE = (
    "SWYC © 2010 Tufts Medical Center; trademarks held by TEAM UP / Boston Medical Center. Free; "
    "no modification; electronic-distribution terms unverified (instruments.md §6)."
)
CITATION = (
    "Perrin EC, Sheldrick RC, Visco Z, Mattern K. The Survey of Well-being of Young Children "
    "(SWYC) User's Manual. Tufts Medical Center; 2016."
)
FORMS = (2, 4, 6, 9, 12, 15, 18, 24, 30, 36, 48, 60)
# The authors use the 2- and 60-month Milestones for surveillance only (instruments.md §6a).
SURVEILLANCE_ONLY = frozenset({2, 60})
MILESTONE = scale(("not_yet", "somewhat", "very_much"), (0, 1, 2))
SYMPTOM = scale(("not_at_all", "somewhat", "very_much"), (0, 1, 2))
POSI_COLUMNS = scale(("1", "2", "3", "4", "5"), (0, 0, 0, 0, 0))


def _swyc(
    key: str,
    name: str,
    title: str,
    items: tuple[Item, ...],
    *,
    rows: tuple[str, ...],
    ages: tuple[int, int],
    general_developmental: bool = False,
    cpt: str = "96110",
    icd10: str,
    max_missing: int = 0,
) -> Instrument:
    return Instrument(
        key=key,
        version=VERSION,
        name=name,
        title={"en": title},
        respondent=Respondent.CAREGIVER,
        rows=rows,
        general_developmental=general_developmental,
        min_age_months=ages[0],
        max_age_months=ages[1],
        items=items,
        text_license=TextLicense.LICENSED_PACK,
        bundled_languages=frozenset(),
        license_note=LICENSE,
        citation=CITATION,
        sources=("docs/domain/instruments.md §6",),
        loinc_panel=None,  # no SWYC LOINC found (instruments.md §6)
        loinc_total=None,
        cpt=cpt,
        icd10=icd10,
        confidential=False,
        max_missing=max_missing,
    )


def _items(count: int, options: tuple[Option, ...], group: str = "") -> tuple[Item, ...]:
    return tuple(
        Item(str(n), None, options=options, label=f"Item {n}", group=group)
        for n in range(1, count + 1)
    )


def _milestones(form: int) -> Instrument:
    later = [f for f in FORMS if f > form]
    # Age span of each form: up to the next form (60-month form: to 65 months, "under 5½ years").
    # Unverified: the Milestones Scoring Guide gives the exact ages per form.
    top = later[0] - 1 if later else 65
    surveillance = form in SURVEILLANCE_ONLY
    return _swyc(
        f"swyc_milestones_{form}",
        f"SWYC Milestones {form} mo",
        f"SWYC Developmental Milestones, {form}-month form",
        _items(10, MILESTONE),
        rows=() if surveillance else ("developmental",),
        ages=(form, top),
        general_developmental=not surveillance,
        icd10="Z13.42",
    )


MILESTONES = tuple(_milestones(form) for form in FORMS)
BPSC = _swyc(
    "swyc_bpsc",
    "BPSC",
    "Baby Pediatric Symptom Checklist (BPSC)",
    _items(12, SYMPTOM),
    rows=("behavioral",),
    ages=(0, 17),
    cpt="96127",
    # No behavioral-screening code in the reference: Z13.39 is the documented closest.
    icd10="Z13.39",
    # A missing BPSC item counts 0 (BPSC scoring directions, instruments.md §6b).
    max_missing=12,
)
PPSC = _swyc(
    "swyc_ppsc",
    "PPSC",
    "Preschool Pediatric Symptom Checklist (PPSC)",
    _items(18, SYMPTOM),
    rows=("behavioral",),
    ages=(18, 65),
    cpt="96127",
    icd10="Z13.39",
)
POSI = _swyc(
    "swyc_posi",
    "POSI",
    "Parent's Observations of Social Interactions (POSI)",
    # Codes are the printed column, 1 = least concerning; item 7 (tick-all activities) is entered
    # as the column of its most concerning tick — unverified against the POSI Scoring Guide.
    _items(7, POSI_COLUMNS),
    rows=("autism",),
    ages=(16, 35),
    icd10="Z13.41",
)


def score_milestones(ctx: Context) -> Outcome:
    """The raw total always; "needs review" only where the age-specific cut-off table has a value
    for this form and the child's age in months (thresholds.swyc_milestones_cutoffs)."""
    form = int(ctx.answers.instrument.key.rsplit("_", 1)[1])
    total = ctx.answers.sum(str(n) for n in range(1, 11))
    cutoff = thresholds.swyc_milestones_cutoff(form, ctx.age_months)
    if cutoff is None:
        return build(ctx, total=total, band="not_determined", positive=None)
    needs_review = total <= cutoff
    return build(
        ctx,
        total=total,
        band="needs_review" if needs_review else "typical",
        positive=needs_review,
        next_step="evaluate" if needs_review else "",
        cutoff=cutoff,
    )


def score_bpsc(ctx: Context) -> Outcome:
    cutoff = int(thresholds.get("bpsc_subscale_positive"))
    subscores = {
        name: ctx.answers.sum(link_ids)
        for name, link_ids in thresholds.get("bpsc_subscales").items()
    }
    at_risk = [name for name, value in subscores.items() if value >= cutoff]
    return build(
        ctx,
        total=None,  # each subscale is judged alone; the BPSC has no total (instruments.md §6b)
        subscores=subscores,
        band="positive" if at_risk else "negative",
        positive=bool(at_risk),
        next_step="evaluate" if at_risk else "",
        flags=[f"bpsc_{name}" for name in at_risk],
        cutoff=cutoff,
    )


def score_ppsc(ctx: Context) -> Outcome:
    total = ctx.answers.sum(i.link_id for i in PPSC.items)
    cutoff = int(thresholds.get("ppsc_positive"))
    positive = total >= cutoff
    return build(
        ctx,
        total=total,
        band="needs_review" if positive else "negative",
        positive=positive,
        next_step="evaluate" if positive else "",
        cutoff=cutoff,
    )


def score_posi(ctx: Context) -> Outcome:
    columns = int(thresholds.get("posi_at_risk_columns"))
    first_at_risk = 5 - columns + 1
    at_risk = sum(
        1
        for item in POSI.items
        if (option := ctx.answers.option(item.link_id)) and int(option.code) >= first_at_risk
    )
    cutoff = int(thresholds.get("posi_positive_items"))
    positive = at_risk >= cutoff
    return build(
        ctx,
        total=at_risk,  # number of items at risk (0–7)
        band="positive" if positive else "negative",
        band_label=lazy(_("Positive — autism evaluation")) if positive else None,
        positive=positive,
        next_step="refer" if positive else "",
        cutoff=cutoff,
    )


ENTRIES: tuple[Entry, ...] = (
    (BPSC, score_bpsc),
    (PPSC, score_ppsc),
    (POSI, score_posi),
    *((m, score_milestones) for m in MILESTONES),
)
