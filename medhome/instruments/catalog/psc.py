"""PSC-17 — Pediatric Symptom Checklist, 17 items (Gardner et al. 1999).

Source: instruments.md §9. The form "may be freely reproduced", but its wording was not collected
(docs/clinical-rules.md#instrument-licenses), so the text comes as a pack loaded from MGH's own
copy, or staff key in the paper answers. Items are keyed by identity: printed layouts number them
differently.
"""

from medhome.instruments import thresholds
from medhome.instruments.catalog._common import Entry, scale
from medhome.instruments.definitions import Instrument, Item, Respondent, TextLicense
from medhome.instruments.results import Context, Outcome, build

FREQUENCY = scale(("never", "sometimes", "often"), (0, 1, 2))
# Subscale membership from the PSC-17 scoring instructions (instruments.md §9); labels are
# medhome's short tags for staff, not the form's wording.
SUBSCALES: dict[str, tuple[tuple[str, str], ...]] = {
    "internalizing": (
        ("sad", "Sad / unhappy"),
        ("hopeless", "Hopeless"),
        ("down_on_self", "Down on self"),
        ("less_fun", "Less fun"),
        ("worries", "Worries"),
    ),
    "attention": (
        ("fidgety", "Fidgety"),
        ("daydreams", "Daydreams"),
        ("concentrating", "Trouble concentrating"),
        ("driven_by_motor", "Driven by a motor"),
        ("distracted", "Distracted easily"),
    ),
    "externalizing": (
        ("refuses_to_share", "Refuses to share"),
        ("others_feelings", "Others' feelings"),
        ("fights", "Fights"),
        ("blames_others", "Blames others"),
        ("rules", "Does not listen to rules"),
        ("teases", "Teases"),
        ("takes_things", "Takes things"),
    ),
}

PSC17 = Instrument(
    key="psc17",
    version="1999",
    name="PSC-17",
    title={"en": "Pediatric Symptom Checklist-17 (PSC-17)"},
    respondent=Respondent.CAREGIVER,
    rows=("behavioral",),
    general_developmental=False,
    min_age_months=48,  # 4–16 years (docs/clinical-rules.md#psc17)
    max_age_months=203,
    items=tuple(
        Item(link_id, None, options=FREQUENCY, label=label, group=group)
        for group, members in SUBSCALES.items()
        for link_id, label in members
    ),
    text_license=TextLicense.LICENSED_PACK,
    bundled_languages=frozenset(),
    license_note=(
        "Massachusetts General Hospital (Jellinek, Murphy). 'PSC-17 may be freely reproduced'; "
        "terms for electronic redistribution unverified (instruments.md §9)."
    ),
    citation=(
        "Gardner W, Murphy M, Childs G, et al. The PSC-17: a brief pediatric symptom checklist "
        "including psychosocial problem subscales. A report from PROS and ASPN. Ambulatory Child "
        "Health 1999;5:225-236."
    ),
    sources=("docs/domain/instruments.md §9",),
    loinc_panel=None,  # no PSC LOINC codes found (instruments.md §9)
    loinc_total=None,
    cpt="96127",
    # No behavioral-screening code in the reference: Z13.39 is the documented closest.
    icd10="Z13.39",
    confidential=False,
    # Blanks score 0; four or more blanks make the form invalid (scoring instructions).
    max_missing=3,
)


def score_psc17(ctx: Context) -> Outcome:
    subscores = {
        group: ctx.answers.sum(link_id for link_id, _ in members)
        for group, members in SUBSCALES.items()
    }
    total = sum(subscores.values())
    cutoff = int(thresholds.get("psc17_positive"))
    flags = [
        f"psc17_{group}"
        for group, value in subscores.items()
        if value >= int(thresholds.get(f"psc17_{group}"))
    ]
    positive = total >= cutoff
    return build(
        ctx,
        total=total,
        subscores=subscores,
        band="positive" if positive else "negative",
        positive=positive,
        next_step="evaluate" if positive or flags else "",
        flags=flags,
        cutoff=cutoff,
    )


ENTRIES: tuple[Entry, ...] = ((PSC17, score_psc17),)
