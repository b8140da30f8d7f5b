"""A measure's definition as data (what the dashboard, the detail page and the export show) and
the dashboard's headings, for definitions.py and the program measures beside it."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    citation: str
    denominator: str
    numerator: str
    simplifications: tuple[str, ...] = field(default=())
    unit: str = "child"  # what a denominator row is: "child", "visit" or "referral"
    group: str = ""  # the dashboard's heading (GROUPS)
    # Its denominator is made of positive screens, so being listed tells a screening result:
    # the children behind it are shown only to viewers who may see results (issue 14).
    lists_results: bool = False
    # Some of those screens may be an adolescent's own confidential ones: listed only to the
    # clinical team (docs/clinical-rules.md#adolescent-confidentiality).
    lists_confidential: bool = False


# Dashboard headings, in display order.
WELL_CHILD = "Well-child visits"
DEVELOPMENT = "Developmental and autism screening"
CAREGIVER_DEPRESSION = "Caregiver depression"
SOCIAL_NEEDS = "Social needs"
REFERRALS = "Referrals"
FOLLOW_UP = "Follow-up of positive screens"
PROGRAMS = "Programs"
GROUPS = (
    WELL_CHILD,
    DEVELOPMENT,
    CAREGIVER_DEPRESSION,
    SOCIAL_NEEDS,
    FOLLOW_UP,
    REFERRALS,
    PROGRAMS,
)
