"""The programs' reach and equity measures (issue 18; docs/clinical-rules.md#program-reach):
which programs are measured and what each measure counts, in words. The queries are in
program_measures.py, the per-child check in reference_programs.py."""

from .measure import PROGRAMS, Measure

# The shipped programs the practice runs in the clinic (medhome.programs.definitions; the
# partner programs reached by referral have no enrolment to count): short key, definition, name.
PROGRAM_MEASURES = (
    ("ror", "reach_out_and_read", "Reach Out and Read"),
    ("vip", "vip", "Video Interaction Project"),
    ("hs", "healthysteps", "HealthySteps"),
    ("dulce", "dulce", "DULCE"),
    ("chw", "chw", "Community health workers"),
)
PROGRAM_MEASURES_FOR = tuple((short, definition) for short, definition, _ in PROGRAM_MEASURES)
# Every eligible child is in it without an enrolment: reached = a contact, never "offered".
PROGRAM_UNIVERSAL = frozenset({"ror"})
PROGRAM_REACH_KEYS = tuple(
    key
    for short, _, _ in PROGRAM_MEASURES
    for key in (f"prog_{short}_reach", f"prog_{short}_offered")
    if not (short in PROGRAM_UNIVERSAL and key.endswith("_offered"))
)
PROGRAM_CITATION = "domain-reference §14 (the programs; medhome measure, issue 18)"
PROGRAM_ELIGIBLE = (
    "Children on the practice's panel on the period's last day who were within the program's "
    "ages on some day of the period (the practice's own program row: from its lower age, "
    "inclusive, to its upper age, exclusive), in a practice running the program."
)
PROGRAM_COMMON = (
    "Counted only for a practice whose program row is running now (a program stopped during the "
    "period counts nothing); the practice's own programs are not measured here.",
    "A local measure (domain-reference §14, no endorsed measure): eligibility is the program's "
    "age range, as for enrolling (docs/clinical-rules.md#programs); risk and tiers are the "
    "team's judgement and are not part of the denominator.",
)
PROGRAM_SCREENS = (
    "Unit: a positive screen (medhome.nextsteps) of a child on the practice's panel on the day it "
    "was found and within the ages of a program the practice runs in the clinic (not a partner "
    "program reached by referral), found from the period's first day to its last day minus 30 "
    "days (setting program_contact_days).",
    "A contact of any of the practice's programs (its own included) on the day found up to 30 "
    "days after it counts (day 30 counts, day 31 does not); a referral to a partner program is "
    "not a contact.",
)
PROGRAM_BOOKS = (
    "Unit: a completed well-child visit (as W30: type, status, counted telehealth) dated in the "
    "period, of a child on the panel on the visit's day and within Reach Out and Read's ages on "
    "that day (the practice's row, by default 6 months as 181 days, the fewest six calendar "
    "months span, inclusive, to 5 years as 1826 days, exclusive).",
    "A book counts when its contact names the visit or is dated on the visit's day; a book "
    "given on another day does not. domain-reference §14: 'Programs count books given per "
    "eligible visit.'",
)


def measures() -> tuple[Measure, ...]:
    found = []
    for short, _definition, name in PROGRAM_MEASURES:
        universal = short in PROGRAM_UNIVERSAL
        found.append(
            Measure(
                f"prog_{short}_reach",
                f"{name}: eligible children "
                + ("reached with a contact" if universal else "enrolled"),
                PROGRAM_CITATION,
                PROGRAM_ELIGIBLE,
                "A contact of the program dated in the period (no enrolment: every eligible "
                "child is in it)."
                if universal
                else "Enrolled on some day of the period (enrolled on or before its last day, "
                "not ended before its first).",
                PROGRAM_COMMON,
                group=PROGRAMS,
            )
        )
        if not universal:
            found.append(
                Measure(
                    f"prog_{short}_offered",
                    f"{name}: eligible children offered",
                    PROGRAM_CITATION,
                    PROGRAM_ELIGIBLE,
                    "Offered the program on or before the period's last day, whatever came of "
                    "it (enrolled, declined, graduated or left).",
                    PROGRAM_COMMON,
                    group=PROGRAMS,
                )
            )
    return (
        *found,
        Measure(
            "prog_ror_books",
            "Reach Out and Read: books per eligible well-child visit",
            PROGRAM_CITATION,
            "Well-child visits in the period of children from 6 months to 5 years.",
            "A Reach Out and Read book given at the visit or on its day.",
            (*PROGRAM_BOOKS, PROGRAM_COMMON[0]),
            unit="visit",
            group=PROGRAMS,
        ),
        Measure(
            "prog_screen_contact",
            "Positive screens with a program contact within 30 days",
            PROGRAM_CITATION,
            "Positive screens of children within a program's ages found from the period's first "
            "day to its last day minus 30 days.",
            "A contact of any of the practice's programs within 30 days of the screen.",
            PROGRAM_SCREENS,
            unit="screen",
            group=PROGRAMS,
            lists_results=True,
            lists_confidential=True,
        ),
    )
