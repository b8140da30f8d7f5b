"""M-CHAT-R/F — Modified Checklist for Autism in Toddlers, Revised, with Follow-Up.

Source: instruments.md §5 (Robins et al., Pediatrics 2014; scoring per mchatscreen.com). Item text
needs the authors' licence for distributed software: licensed pack or staff entry.
"""

from django.utils.translation import gettext_lazy as _

from medhome.instruments.catalog._common import NO, YES, Entry
from medhome.instruments.definitions import Instrument, Item, Option, Respondent, TextLicense
from medhome.instruments.results import Context, Outcome, build, lazy

# YES is the at-risk answer only on items 2, 5 and 12; NO on the other 17 (mchatscreen.com).
YES_AT_RISK = frozenset({"2", "5", "12"})
CITATION = (
    "Robins DL, Casagrande K, Barton M, Chen CM, Dumont-Mathieu T, Fein D. Validation of the "
    "Modified Checklist for Autism in Toddlers, Revised with Follow-up (M-CHAT-R/F). Pediatrics "
    "2014;133(1):37-45. doi:10.1542/peds.2013-1813."
)
LICENSE = (
    "© 2009 Diana Robins, Deborah Fein & Marianne Barton. Free for clinical use; a licence is "
    "required to distribute it in software; use in its entirety, unmodified (instruments.md §5)."
)


def _options(link_id: str) -> tuple[Option, ...]:
    at_risk = YES if link_id in YES_AT_RISK else NO
    return (
        Option(YES, 1 if at_risk == YES else 0, positive=at_risk == YES, label="Yes"),
        Option(NO, 1 if at_risk == NO else 0, positive=at_risk == NO, label="No"),
    )


def _mchat(
    key: str, name: str, title: str, items: tuple[Item, ...], respondent: Respondent
) -> Instrument:
    return Instrument(
        key=key,
        version="2009",
        name=name,
        title={"en": title},
        respondent=respondent,
        rows=("autism",),
        general_developmental=False,
        min_age_months=16,
        max_age_months=30,
        items=items,
        text_license=TextLicense.LICENSED_PACK,
        bundled_languages=frozenset(),
        license_note=LICENSE,
        citation=CITATION,
        sources=("docs/domain/instruments.md §5", "https://www.mchatscreen.com/mchat-rf/scoring/"),
        # No M-CHAT-R/F LOINC codes were found (instruments.md §5): do not guess.
        loinc_panel=None,
        loinc_total=None,
        cpt="96110",
        icd10="Z13.41",
        confidential=False,
    )


MCHAT_R = _mchat(
    "mchat_r",
    "M-CHAT-R",
    "Modified Checklist for Autism in Toddlers, Revised (M-CHAT-R)",
    tuple(Item(str(n), None, options=_options(str(n)), label=f"Item {n}") for n in range(1, 21)),
    Respondent.CAREGIVER,
)
# The Follow-Up is a staff-administered interview; medhome records its result (the number of
# items still failed), which is what the authors score (instruments.md §5).
MCHAT_FOLLOWUP = _mchat(
    "mchat_rf_followup",
    "M-CHAT-R/F Follow-Up",
    "M-CHAT-R/F Follow-Up interview",
    (Item("followup_score", None, number_range=(0, 20), label="Follow-Up score"),),
    Respondent.STAFF,
)


def score_mchat_r(ctx: Context) -> Outcome:
    """0–2 low, 3–7 medium (Follow-Up pending), 8–20 high (refer; Follow-Up may be skipped)."""
    total = ctx.answers.sum(i.link_id for i in MCHAT_R.items)
    if total >= 8:
        return build(ctx, total=total, band="high", positive=True, next_step="refer", cutoff=3)
    if total >= 3:
        # The screen result waits for the Follow-Up: positive stays undetermined.
        return build(
            ctx,
            total=total,
            band="medium",
            positive=None,
            next_step="mchat_followup",
            next_step_pending=True,
            cutoff=3,
        )
    return build(ctx, total=total, band="low", positive=False, cutoff=3)


def score_followup(ctx: Context) -> Outcome:
    total = ctx.answers.number("followup_score") or 0
    positive = total >= 2
    return build(
        ctx,
        total=total,
        band="positive" if positive else "negative",
        band_label=None if positive else lazy(_("Negative — rescreen at future visits")),
        positive=positive,
        next_step="refer" if positive else "",
        cutoff=2,
    )


ENTRIES: tuple[Entry, ...] = ((MCHAT_R, score_mchat_r), (MCHAT_FOLLOWUP, score_followup))
