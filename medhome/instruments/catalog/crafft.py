"""CRAFFT 2.1 — adolescent substance use (Knight et al.; CABHRe, Boston Children's Hospital).

Source: instruments.md §10. Free, but electronic-use terms are unverified and the Part A wording
was not confirmed, so the text comes as a licensed pack. The adolescent's answers are
confidential (docs/clinical-rules.md#adolescent-confidentiality).
"""

from django.utils.translation import gettext_lazy as _

from medhome.instruments.catalog._common import YES, Entry, yes_no
from medhome.instruments.definitions import Instrument, Item, Respondent, TextLicense
from medhome.instruments.results import Context, Critical, Outcome, build, lazy

PART_A = (
    ("a1", "Part A: days of alcohol"),
    ("a2", "Part A: days of marijuana"),
    ("a3", "Part A: days of other drugs"),
)
PART_B = (
    ("car", "CAR"),
    ("relax", "RELAX"),
    ("alone", "ALONE"),
    ("forget", "FORGET"),
    ("family", "FAMILY/FRIENDS"),
    ("trouble", "TROUBLE"),
)
PART_B_IDS = tuple(link_id for link_id, _ in PART_B)

CRAFFT = Instrument(
    key="crafft",
    version="2.1",
    name="CRAFFT",
    title={"en": "CRAFFT 2.1"},
    respondent=Respondent.ADOLESCENT,
    rows=("substance_use",),
    general_developmental=False,
    min_age_months=144,  # 12–21 years
    max_age_months=263,
    items=(
        *(Item(i, None, number_range=(0, 365), label=label, group="part_a") for i, label in PART_A),
        # 2.1+N nicotine/vaping question: asked on the +N form only.
        Item(
            "a4",
            None,
            number_range=(0, 365),
            label="Part A: days of nicotine",
            required=False,
            group="part_a",
        ),
        # Only CAR is asked when every Part A answer is 0 (skip rule, crafft.org); the scorer
        # decides whether the other five are needed.
        *(
            Item(
                i,
                None,
                options=yes_no(positive=YES, scored=True),
                label=label,
                required=i == "car",
                group="part_b",
            )
            for i, label in PART_B
        ),
    ),
    text_license=TextLicense.LICENSED_PACK,
    bundled_languages=frozenset(),
    license_note=(
        "© John R. Knight, Boston Children's Hospital (CABHRe). Free of cost; electronic/EHR "
        "terms unverified — ask crafft.org (instruments.md §10)."
    ),
    citation=(
        "Knight JR, Sherritt L, Shrier LA, Harris SK, Chang G. Validity of the CRAFFT substance "
        "abuse screening test among adolescent clinic patients. Arch Pediatr Adolesc Med "
        "2002;156(6):607-614. CRAFFT 2.1, crafft.org."
    ),
    sources=("docs/domain/instruments.md §10", "https://crafft.org/use-the-crafft/"),
    # 71942-7 is listed for the CRAFFT, but whether it is the panel or the total is unverified
    # (instruments.md §10), so neither is claimed.
    loinc_panel=None,
    loinc_total=None,
    cpt="96127",  # or 96160 by payer: thresholds "cpt_overrides"
    # Z13.39 covers screening for other mental health and behavioral disorders incl. alcoholism
    # (interop-codes.md §4.2) — the documented closest.
    icd10="Z13.39",
    confidential=True,
)


def score_crafft(ctx: Context) -> Outcome:
    answers = ctx.answers
    critical = []
    if answers.codes("car") == (YES,):
        # Riding/driving risk counselling, not an emergency (crafft.org "5 Rs").
        critical.append(
            Critical(
                "car", "safety_counselling", lazy(_("Rode with a driver who had been using (CAR)."))
            )
        )
    part_a_done = all(answers.answered(i) for i, _ in PART_A)
    any_use = any((answers.number(i) or 0) > 0 for i, _ in (*PART_A, ("a4", "")))
    needed = PART_B_IDS if any_use else ("car",)
    complete = part_a_done and all(answers.answered(i) for i in needed)
    total = answers.sum(PART_B_IDS)
    high = total >= 2  # "≥ 2 = positive / high risk" (instruments.md §10)
    return build(
        ctx,
        complete=complete,
        total=total,
        band="high" if high else "low",
        positive=high,
        next_step="evaluate" if high else ("counsel" if critical else ""),
        critical=critical,
        cutoff=2,
    )


ENTRIES: tuple[Entry, ...] = ((CRAFFT, score_crafft),)
