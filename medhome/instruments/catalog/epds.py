"""EPDS — Edinburgh Postnatal Depression Scale (Cox, Holden & Sagovsky 1987).

Source: instruments.md §1. Wording is © Royal College of Psychiatrists and needs written permission
for online republication, so it ships without text (licensed pack or staff entry).
"""

from django.utils.translation import gettext_lazy as _

from medhome.instruments import thresholds
from medhome.instruments.catalog._common import Entry, scale
from medhome.instruments.definitions import Instrument, Item, Respondent, TextLicense
from medhome.instruments.results import Context, Critical, Outcome, build, lazy

# Option codes are the printed position (a = top). Points follow the form, not the position:
# items 1, 2, 4 score 0..3 top-to-bottom, the starred items 3, 5–10 score 3..0 (instruments.md §1).
POSITIONS = ("a", "b", "c", "d")
FORWARD = scale(POSITIONS, (0, 1, 2, 3))
REVERSE = scale(POSITIONS, (3, 2, 1, 0))
REVERSED = frozenset({"3", "5", "6", "7", "8", "9", "10"})
ANXIETY = ("3", "4", "5")  # EPDS-3A (instruments.md §1), informational only

EPDS = Instrument(
    key="epds",
    version="1987",
    name="EPDS",
    title={"en": "Edinburgh Postnatal Depression Scale (EPDS)"},
    respondent=Respondent.CAREGIVER,
    rows=("caregiver_depression",),
    general_developmental=False,
    # The 1-, 2-, 4- and 6-month visits (docs/clinical-rules.md#periodicity-rows, AAP 2019 clinical
    # report).
    min_age_months=0,
    max_age_months=6,
    items=tuple(
        Item(
            str(n),
            None,  # item LOINC codes unverified (instruments.md §1)
            options=REVERSE if str(n) in REVERSED else FORWARD,
            label=f"Item {n}",
            group="anxiety" if str(n) in ANXIETY else "",
        )
        for n in range(1, 11)
    ),
    text_license=TextLicense.LICENSED_PACK,
    bundled_languages=frozenset(),
    license_note=(
        "© 1987 The Royal College of Psychiatrists. Written permission is required for copying "
        "and distribution to others or republication in any medium; copy in full with the "
        "Cox/Holden/Sagovsky citation (instruments.md §1)."
    ),
    citation=(
        "Cox JL, Holden JM, Sagovsky R. Detection of postnatal depression: development of the "
        "10-item Edinburgh Postnatal Depression Scale. Br J Psychiatry 1987;150:782-786."
    ),
    sources=("docs/domain/instruments.md §1",),
    loinc_panel="71354-5",
    loinc_total="99046-5",  # long name unverified (instruments.md Appendix B)
    cpt="96161",
    icd10="Z13.32",
    confidential=False,
)


def score_epds(ctx: Context) -> Outcome:
    """A total needs all 10 items — never prorated (author instructions, instruments.md §1)."""
    answers = ctx.answers
    critical = []
    item10 = answers.option("10")
    if item10 is not None and (item10.score or 0) >= 1:
        critical.append(
            Critical("10", "self_harm", lazy(_("Item 10 (self-harm) scored 1 or more.")))
        )
    total = answers.sum(i.link_id for i in EPDS.items)
    anxiety = answers.sum(ANXIETY)
    positive_at = int(thresholds.get("epds_positive"))
    probable_at = int(thresholds.get("epds_probable"))
    if total >= probable_at:
        band, label = "probable", None
    elif total >= positive_at:
        band, label = "possible", None
    else:
        band, label = "low", lazy(_("Low likelihood of depression"))
    positive = total >= positive_at
    return build(
        ctx,
        total=total,
        subscores={"anxiety": anxiety},
        band=band,
        band_label=label,
        positive=positive,
        next_step="evaluate" if positive else "",
        critical=critical,
        flags=["epds_anxiety"] if anxiety >= int(thresholds.get("epds_anxiety")) else [],
        cutoff=positive_at,
    )


ENTRIES: tuple[Entry, ...] = ((EPDS, score_epds),)
