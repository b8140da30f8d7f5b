"""Per-child reference for the programs' reach (docs/clinical-rules.md#program-reach): plain
Python over the practices' children, visits and screens, read as definitions.py states it."""

from datetime import date, timedelta

from medhome.core import clock
from medhome.families.models import Child
from medhome.measures import reference_attribution
from medhome.measures.program_measures import BOOK, PROGRAMS, ROR, UNIVERSAL, split
from medhome.nextsteps.models import PositiveScreen
from medhome.programs.models import Contact, Enrolment, Program
from medhome.visits.models import Visit

KEYS = frozenset({*(f"prog_{s}_reach" for s in PROGRAMS), "prog_ror_books", "prog_screen_contact"})
KEYS |= {f"prog_{s}_offered" for s in PROGRAMS if s not in UNIVERSAL}


def _within(program: Program, first: int, last: int) -> bool:
    low, high = program.min_age_days, program.max_age_days
    return (low is None or low <= last) and (high is None or high > first)


def _running(practices) -> dict:
    """{(practice id, definition): program} of the running programs."""
    rows = Program.objects.filter(practice__in=practices, is_active=True)
    return {(p.practice_id, p.definition): p for p in rows}


def compute(key: str, rules: dict, practices, start: date, end: date) -> tuple[list, list]:
    """(numerator ids, denominator ids)."""
    if key == "prog_ror_books":
        return _books(rules, practices, start, end)
    if key == "prog_screen_contact":
        return _screens(rules, practices, start, end)
    short, what = split(key)
    running = _running(practices)
    children = list(Child.objects.filter(practice__in=practices).order_by("pk"))
    spans = reference_attribution.spans_of([c.pk for c in children])
    numerator, denominator = [], []
    for child in children:
        program = running.get((child.practice_id, PROGRAMS[short]))
        if program is None or child.date_of_birth > end:
            continue
        if not reference_attribution.on_panel(spans, child.pk, end):
            continue
        ages = ((start - child.date_of_birth).days, (end - child.date_of_birth).days)
        if not _within(program, *ages):
            continue
        denominator.append(child.pk)
        enrolments = Enrolment.objects.filter(child=child, program__definition=PROGRAMS[short])
        if what == "offered":
            met = any(e.offered_on <= end for e in enrolments)
        elif short in UNIVERSAL:
            met = Contact.objects.filter(
                child=child, program__definition=PROGRAMS[short], on__gte=start, on__lte=end
            ).exists()
        else:
            met = any(
                e.enrolled_on is not None
                and e.enrolled_on <= end
                and (e.ended_on is None or e.ended_on >= start)
                for e in enrolments
            )
        if met:
            numerator.append(child.pk)
    return numerator, denominator


def _books(rules, practices, start: date, end: date) -> tuple[list, list]:
    running = _running(practices)
    visits = list(Visit.objects.filter(practice__in=practices).select_related("child"))
    spans = reference_attribution.spans_of({v.child_id for v in visits})
    books = list(Contact.objects.filter(practice__in=practices, program__definition=ROR, kind=BOOK))
    numerator, denominator = [], []
    for visit in visits:
        day = clock.local_date(visit.starts_at)
        program = running.get((visit.practice_id, ROR))
        if (
            program is None
            or not start <= day <= end
            or visit.kind not in rules["well_visit_kinds"]
            or visit.status != rules["well_visit_status"]
            or visit.modality not in rules["counted_modalities"]
            or not reference_attribution.on_panel(spans, visit.child_id, day)
        ):
            continue
        age = (day - visit.child.date_of_birth).days
        if not _within(program, age, age):
            continue
        denominator.append(visit.pk)
        if any(
            b.child_id == visit.child_id and (b.visit_id == visit.pk or b.on == day) for b in books
        ):
            numerator.append(visit.pk)
    return numerator, denominator


def _screens(rules, practices, start: date, end: date) -> tuple[list, list]:
    days = int(rules["program_contact_days"])
    in_clinic: dict = {}
    for program in Program.objects.filter(practice__in=practices, is_active=True):
        if not program.referral_need:
            in_clinic.setdefault(program.practice_id, []).append(program)
    screens = list(PositiveScreen.objects.filter(practice__in=practices).select_related("child"))
    spans = reference_attribution.spans_of({s.child_id for s in screens})
    contacts = list(Contact.objects.filter(practice__in=practices))
    numerator, denominator = [], []
    for screen in screens:
        found = screen.found_on
        age = (found - screen.child.date_of_birth).days
        if (
            not start <= found <= end - timedelta(days=days)
            or not reference_attribution.on_panel(spans, screen.child_id, found)
            or not any(_within(p, age, age) for p in in_clinic.get(screen.practice_id, ()))
        ):
            continue
        denominator.append(screen.pk)
        if any(
            c.child_id == screen.child_id and found <= c.on <= found + timedelta(days=days)
            for c in contacts
        ):
            numerator.append(screen.pk)
    return numerator, denominator
