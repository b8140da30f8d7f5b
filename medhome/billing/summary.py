"""What a visit's work supports, in codes: the rules, on facts already read (no queries here).

Each line says how sure medhome is (`Status`): supported by what medhome recorded; one of
several for the clinician or the billing team to choose; possibly supported when time or
conditions medhome cannot know must be documented; or a Z code suggested for a clinician to
confirm — never added by itself. docs/clinical-rules.md#billing-summary
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from medhome.core import clock
from medhome.instruments import registry
from medhome.instruments.definitions import Respondent, cpt_for, icd10_for
from medhome.instruments.registry import UnknownInstrument
from medhome.practices.calendar import Calendar, add_business_days
from medhome.screening import zcodes
from medhome.screening.models import Administration
from medhome.visits.models import Visit, VisitKind, VisitStatus

from . import codes
from .codes import System

TCM_CONTACT_BUSINESS_DAYS = 2  # interop-codes §3.2: interactive contact within 2 business days
TCM_HIGH_DAYS = 7  # 99496: face-to-face within 7 days
TCM_MODERATE_DAYS = 14  # 99495: face-to-face within 14 days
ESTABLISHED_YEARS = 3  # "seen by the practice within the past 3 years" (interop-codes §3.3)
ATTENDED = (VisitStatus.ARRIVED, VisitStatus.COMPLETED)
# (upper age in whole years, exclusive; new; established) — interop-codes §3.3 table.
PREVENTIVE_BANDS = (
    (1, "99381", "99391"),
    (5, "99382", "99392"),
    (12, "99383", "99393"),
    (18, "99384", "99394"),
    (40, "99385", "99395"),
)
RESPONDENTS = frozenset(r.value for r in Respondent)
CARE_MANAGEMENT = ("99490", "99491", "99487", "99489", "99484")


class Status(StrEnum):
    SUPPORTED = "supported"
    CHOOSE = "choose"
    POSSIBLE = "possible"
    SUGGESTED = "suggested"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.SUPPORTED: gettext_lazy("Supported"),
    Status.CHOOSE: gettext_lazy("Choose one"),
    Status.POSSIBLE: gettext_lazy("Possibly supported: document the time"),
    Status.SUGGESTED: gettext_lazy("Suggested: a clinician confirms"),
}


@dataclass
class Line:
    system: str
    code: str
    units: int | None
    why: str
    status: Status
    confidential: bool = False

    @property
    def label(self) -> str:
        known = codes.get(self.code)
        if known is not None:
            return str(known.label)
        social = next(
            (z for group in zcodes.BY_DOMAIN.values() for z in group if z.code == self.code), None
        )
        return str(social.label) if social else ""


@dataclass
class Discharge:
    """A hospital stay that ended (never an ED-only visit: interop-codes §3.2), and the first
    interactive contact with the family recorded after it."""

    event_id: Any
    discharged_at: datetime
    contact_at: datetime | None = None
    contact_by_phone: bool = False


@dataclass
class Facts:
    visit: Visit
    screens: list[Administration] = field(default_factory=list)
    seen_before: bool = False
    has_care_plan: bool = False
    discharges: list[Discharge] = field(default_factory=list)
    attended_days: list[date] = field(default_factory=list)  # the child's other visits


@dataclass
class Viewer:
    """What the reader may see of screening (screening.selectors.may_see_result's rule)."""

    results: bool
    confidential: bool


@dataclass
class Summary:
    visit: Visit
    day: date
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)


def _d(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def age_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def summarize(
    facts: Facts,
    *,
    calendar: Calendar,
    viewer: Viewer,
    g_code_payers: frozenset[str],
    chw_cpt_payers: frozenset[str] = frozenset(),
) -> Summary:
    visit = facts.visit
    day = clock.local_date(visit.starts_at)
    summary = Summary(visit=visit, day=day)
    if visit.status not in ATTENDED:
        summary.notes.append(_("This visit did not take place (yet): it supports no codes."))
        return summary
    _preventive(summary, facts)
    social_positive = _screens(summary, facts, viewer)
    _g_codes(summary, facts, viewer, social_positive, g_code_payers)
    if social_positive and facts.visit.child.payer in chw_cpt_payers:
        _chw_education(summary)
    _care_management(summary, facts)
    _transitional_care(summary, facts, calendar)
    if visit.confidential:
        for line in summary.lines:
            line.confidential = True
    return summary


def _preventive(summary: Summary, facts: Facts) -> None:
    visit, day = facts.visit, summary.day
    born = visit.child.date_of_birth
    if visit.kind != VisitKind.WELL_CHILD:
        summary.notes.append(
            _("The visit's evaluation and management code is the clinician's choice.")
        )
        return
    days_old = (day - born).days
    years = age_years(born, day)
    band = next((band for band in PREVENTIVE_BANDS if years < band[0]), None)
    if band is None:
        summary.notes.append(_("No preventive visit code for this age: the clinician chooses."))
    elif facts.seen_before:
        summary.lines.append(
            Line(
                System.CPT,
                band[2],
                1,
                _("Established patient (a visit in the last %(years)s years), age %(age)s.")
                % {"years": ESTABLISHED_YEARS, "age": years},
                Status.SUPPORTED,
            )
        )
    else:
        why = _(
            "medhome has no visit of this child in the last %(years)s years: new patient, "
            "unless the practice saw the child before medhome held its visits. Age %(age)s."
        ) % {"years": ESTABLISHED_YEARS, "age": years}
        for code in (band[1], band[2]):
            summary.lines.append(Line(System.CPT, code, 1, why, Status.CHOOSE))
    if days_old <= 28:
        summary.notes.append(
            _("Newborn hospital care (99460–99462) is the birth stay's: the clinician codes it.")
        )
    if days_old < 8:
        _icd(summary, "Z00.110", _("Newborn exam, %(days)s days old.") % {"days": days_old})
    elif days_old <= 28:
        _icd(summary, "Z00.111", _("Newborn exam, %(days)s days old.") % {"days": days_old})
    elif years < 18:
        why = _("Routine child exam: with or without abnormal findings is the clinician's choice.")
        _icd(summary, "Z00.121", why, Status.CHOOSE)
        _icd(summary, "Z00.129", why, Status.CHOOSE)
    summary.notes.append(
        _("A separate problem visit code (modifier 25) is the clinician's decision.")
    )


def _icd(
    summary: Summary,
    code: str,
    why: str,
    status: Status = Status.SUPPORTED,
    confidential: bool = False,
) -> None:
    known = codes.get(code)
    if known is None or not known.valid_on(summary.day):
        summary.notes.append(
            _("%(code)s is not valid on %(day)s.") % {"code": code, "day": _d(summary.day)}
        )
        return
    summary.lines.append(Line(System.ICD10CM, code, None, why, status, confidential))


def _screen_name(screen: Administration, name: str, viewer: Viewer) -> str:
    if screen.confidential and not viewer.confidential:
        # Staff outside the clinical team see only that a confidential item exists
        # (docs/clinical-rules.md#adolescent-confidentiality).
        return _("a confidential screen")
    return name


def _screens(summary: Summary, facts: Facts, viewer: Viewer) -> bool:
    """Screening CPT codes per instrument and the screening encounter's ICD code; the social
    Z codes a positive social-needs screen suggests. True when such a screen was positive
    and the reader may see it."""
    by_cpt: dict[tuple[str, bool], list[str]] = defaultdict(list)
    by_icd: dict[tuple[str, bool], list[str]] = defaultdict(list)
    suggested: dict[str, str] = {}
    social_positive = False
    for screen in facts.screens:
        try:
            instrument = registry.get(screen.instrument_key)
        except UnknownInstrument:
            continue
        respondent = Respondent(screen.respondent) if screen.respondent in RESPONDENTS else None
        name = _screen_name(screen, instrument.name, viewer)
        summary.screens.append(f"{name} ({_('confidential')})" if screen.confidential else name)
        by_cpt[(cpt_for(instrument, respondent), screen.confidential)].append(name)
        icd = icd10_for(instrument, respondent)
        if codes.get(icd) is not None:
            by_icd[(icd, screen.confidential)].append(name)
        visible = viewer.results and (not screen.confidential or viewer.confidential)
        if "social_needs" in instrument.rows and screen.positive and visible:
            social_positive = True
            for z in zcodes.suggested(list(screen.positive_domains or []), summary.day):
                suggested.setdefault(z.code, name)
    for (cpt, confidential), names in by_cpt.items():
        known = codes.get(cpt)
        if known is None or not known.valid_on(summary.day):
            summary.notes.append(
                _("%(code)s is not valid on %(day)s.") % {"code": cpt, "day": _d(summary.day)}
            )
            continue
        why = ngettext(
            "%(count)s instrument scored that day, one unit: %(names)s.",
            "%(count)s instruments scored that day, one unit each: %(names)s.",
            len(names),
        ) % {"count": len(names), "names": ", ".join(names)}
        if confidential:
            why += " " + _("Adolescent-confidential: choose a confidential billing route.")
        summary.lines.append(Line(System.CPT, cpt, len(names), why, Status.SUPPORTED, confidential))
    for (icd, confidential), names in by_icd.items():
        why = _("Screening encounter: %(names)s.") % {"names": ", ".join(names)}
        if icd == "Z13.32":
            why += " " + _("Some payers refuse it on the infant's claim (a female-only edit).")
        _icd(summary, icd, why, Status.SUPPORTED, confidential)
    for code, name in suggested.items():
        summary.lines.append(
            Line(
                System.ICD10CM,
                code,
                None,
                _("A positive social-needs screen (%(name)s) suggests it; never added by itself.")
                % {"name": name},
                Status.SUGGESTED,
            )
        )
    if facts.screens and not viewer.results:
        summary.notes.append(
            _("Social-needs Z codes are shown to those who may see screening results.")
        )
    return social_positive


def _g_codes(
    summary: Summary,
    facts: Facts,
    viewer: Viewer,
    social_positive: bool,
    payers: frozenset[str],
) -> None:
    if facts.visit.child.payer not in payers:
        return
    social = [
        s
        for s in facts.screens
        if s.instrument_key in {i.key for i in registry.for_row("social_needs")}
        and (not s.confidential or viewer.confidential)
    ]
    g0136 = codes.CODES["G0136"]
    if social and g0136.valid_on(summary.day):
        summary.lines.append(
            Line(
                System.HCPCS,
                "G0136",
                1,
                _(
                    "A social-needs risk assessment with this visit; at most once in 6 months, "
                    "and the tool must cover food, housing, transportation and utilities."
                ),
                Status.POSSIBLE,
            )
        )
    elif social:
        summary.notes.append(
            _("G0136 no longer means a social-needs assessment from 2026-01-01: not used.")
        )
    if social_positive and codes.CODES["G0019"].valid_on(summary.day):
        why = _(
            "Community health worker services for the social needs found at this visit: "
            "with the family's consent, at least 60 minutes in the calendar month for G0019, "
            "each further 30 minutes for G0022; medhome does not record the minutes."
        )
        summary.lines.append(Line(System.HCPCS, "G0019", 1, why, Status.POSSIBLE))
        summary.lines.append(Line(System.HCPCS, "G0022", None, why, Status.POSSIBLE))


def _chw_education(summary: Summary) -> None:
    """State Medicaid's community health worker codes after a positive social-needs screen
    (docs/clinical-rules.md#billing-summary): time and a standardized curriculum to document."""
    why = _(
        "Community health worker education for the social needs found at this visit, with a "
        "standardized curriculum, per 30 minutes: 98960 with the family alone, 98961 or 98962 in "
        "a group; medhome does not record the minutes."
    )
    summary.lines.append(Line(System.CPT, "98960", None, why, Status.POSSIBLE))


def _care_management(summary: Summary, facts: Facts) -> None:
    if not facts.has_care_plan:
        return
    why = _(
        "The child has a shared care plan. Care management is per calendar month and needs the "
        "minutes documented; medhome does not record them."
    )
    for code in CARE_MANAGEMENT:
        if codes.CODES[code].valid_on(summary.day):
            summary.lines.append(Line(System.CPT, code, None, why, Status.POSSIBLE))


def _transitional_care(summary: Summary, facts: Facts, calendar: Calendar) -> None:
    """99495/99496 (docs/clinical-rules.md#transitional-care): a discharge, an interactive
    contact within 2 business days on the practice calendar, this visit the first face-to-face
    one within 14 (99495) or 7 (99496) days; the decision's complexity is the clinician's."""
    day = summary.day
    recent = sorted(
        (
            d
            for d in facts.discharges
            if 0 <= (day - clock.local_date(d.discharged_at)).days <= TCM_MODERATE_DAYS
        ),
        key=lambda d: d.discharged_at,
        reverse=True,
    )
    if not recent:
        return
    discharge = recent[0]
    left = clock.local_date(discharge.discharged_at)
    if any(left <= other < day for other in facts.attended_days):
        summary.notes.append(
            _("Transitional care belongs to the first visit after the discharge on %(day)s.")
            % {"day": _d(left)}
        )
        return
    due = clock.local_date(
        add_business_days(discharge.discharged_at, TCM_CONTACT_BUSINESS_DAYS, calendar=calendar)
    )
    contact = discharge.contact_at
    if contact is None or contact < discharge.discharged_at or clock.local_date(contact) > due:
        summary.notes.append(
            _(
                "Discharge on %(left)s: no interactive contact with the family recorded by "
                "%(due)s (2 business days), so transitional care codes are not supported."
            )
            % {"left": _d(left), "due": _d(due)}
        )
        return
    days = (day - left).days
    how = (
        _("staff reached the family by phone on %(day)s")
        if discharge.contact_by_phone
        else _(
            "the follow-up task was closed as done on %(day)s (confirm it was a two-way "
            "contact with the family)"
        )
    ) % {"day": _d(clock.local_date(contact))}
    base = _("Discharge on %(left)s; %(how)s; seen %(days)s day(s) after.") % {
        "left": _d(left),
        "how": how,
        "days": days,
    }
    if days <= TCM_HIGH_DAYS:
        summary.lines.append(
            Line(
                System.CPT,
                "99496",
                1,
                base + " " + _("If the clinician's decision making was of high complexity."),
                Status.CHOOSE,
            )
        )
    summary.lines.append(
        Line(
            System.CPT,
            "99495",
            1,
            base + " " + _("If the clinician's decision making was of moderate complexity."),
            Status.CHOOSE,
        )
    )
    if days > TCM_HIGH_DAYS:
        summary.notes.append(_("99496 needs the visit within 7 days of the discharge."))
