"""ASQ-3 and ASQ:SE-2 (Squires & Bricker; Paul H. Brookes Publishing) — proprietary.

Source: instruments.md §11. Items and cut-off tables are Brookes content: medhome records only
what staff read off the scored paper/licensed form — area scores and zones — and never
accepts a text pack.
"""

from medhome.instruments.catalog._common import YES, Entry, yes_no
from medhome.instruments.definitions import Instrument, Item, Option, Respondent, TextLicense
from medhome.instruments.results import Context, Outcome, build

LICENSE = (
    "© Paul H. Brookes Publishing Co.; Ages & Stages Questionnaires® is a registered trademark. "
    "Proprietary: record scores only (instruments.md §11)."
)
AREAS = (
    ("communication", "Communication"),
    ("gross_motor", "Gross motor"),
    ("fine_motor", "Fine motor"),
    ("problem_solving", "Problem solving"),
    ("personal_social", "Personal-social"),
)
ASQ3_ZONES = (
    Option("above_cutoff", None, label="Above cutoff"),
    Option("monitoring", None, label="Monitoring zone"),
    Option("below_cutoff", None, positive=True, label="Below cutoff"),
)
# ASQ:SE-2 runs the other way: a higher score means more concern (instruments.md §11).
ASQSE2_ZONES = (
    Option("below_monitoring", None, label="Below monitoring zone"),
    Option("monitoring", None, label="Monitoring zone"),
    Option("above_cutoff", None, positive=True, label="Above cutoff"),
)


def _asq(
    key: str,
    version: str,
    name: str,
    title: str,
    items: tuple[Item, ...],
    *,
    rows: tuple[str, ...],
    ages: tuple[int, int],
    general: bool,
    cpt: str,
    icd10: str,
) -> Instrument:
    return Instrument(
        key=key,
        version=version,
        name=name,
        title={"en": title},
        respondent=Respondent.STAFF,
        rows=rows,
        general_developmental=general,
        min_age_months=ages[0],
        max_age_months=ages[1],
        items=items,
        text_license=TextLicense.PROPRIETARY,
        bundled_languages=frozenset(),
        license_note=LICENSE,
        citation="Squires J, Bricker D. Ages & Stages Questionnaires. Paul H. Brookes Publishing.",
        sources=("docs/domain/instruments.md §11",),
        loinc_panel=None,  # none documented
        loinc_total=None,
        cpt=cpt,
        icd10=icd10,
        confidential=False,
    )


ASQ3 = _asq(
    "asq3",
    "3",
    "ASQ-3",
    "Ages & Stages Questionnaires, Third Edition (ASQ-3)",
    (
        Item(
            "interval", None, number_range=(2, 60), label="Questionnaire (months)", required=False
        ),
        *(
            Item(a, None, number_range=(0, 60), label=f"{label} score", group=a)
            for a, label in AREAS
        ),
        *(
            Item(f"{a}_zone", None, options=ASQ3_ZONES, label=f"{label} zone", group=a)
            for a, label in AREAS
        ),
        Item(
            "overall_concern",
            None,
            options=yes_no(positive=YES),
            label="Overall: follow-up response marked",
            required=False,
        ),
    ),
    rows=("developmental",),
    ages=(1, 66),
    general=True,
    cpt="96110",
    icd10="Z13.42",
)
ASQSE2 = _asq(
    "asqse2",
    "2",
    "ASQ:SE-2",
    "Ages & Stages Questionnaires: Social-Emotional, Second Edition (ASQ:SE-2)",
    (
        Item(
            "interval", None, number_range=(1, 72), label="Questionnaire (months)", required=False
        ),
        # Up to 36 items × (10 + 5 for a concern) = 540.
        Item("total", None, number_range=(0, 540), label="Total score"),
        Item("zone", None, options=ASQSE2_ZONES, label="Zone"),
    ),
    rows=("behavioral",),
    ages=(1, 72),
    general=False,
    cpt="96127",  # unverified: thresholds "cpt_overrides"
    # No social-emotional screening code in the reference: Z13.39 is the documented closest.
    icd10="Z13.39",
)


def _zoned(
    ctx: Context,
    zones: list[str],
    refer: str,
    *,
    total: int | None = None,
    subscores: dict[str, int] | None = None,
    flags: list[str] | None = None,
) -> Outcome:
    if refer in zones:
        band, positive, step = "refer", True, "refer"
    elif "monitoring" in zones:
        band, positive, step = "monitor", False, "monitor"
    else:
        band, positive, step = "typical", False, ""
    return build(
        ctx,
        total=total,
        subscores=subscores,
        band=band,
        positive=positive,
        next_step=step,
        flags=flags or (),
    )


def score_asq3(ctx: Context) -> Outcome:
    """Refer if any area is below its cut-off, monitor if any is in the monitoring zone."""
    zones = [
        ctx.answers.codes(f"{a}_zone")[0] for a, _ in AREAS if ctx.answers.answered(f"{a}_zone")
    ]
    subscores = {a: ctx.answers.number(a) or 0 for a, _ in AREAS}
    flags = ["asq_overall_concern"] if ctx.answers.codes("overall_concern") == (YES,) else []
    return _zoned(ctx, zones, "below_cutoff", subscores=subscores, flags=flags)


def score_asqse2(ctx: Context) -> Outcome:
    zones = list(ctx.answers.codes("zone"))
    return _zoned(ctx, zones, "above_cutoff", total=ctx.answers.number("total"))


ENTRIES: tuple[Entry, ...] = ((ASQ3, score_asq3), (ASQSE2, score_asqse2))
