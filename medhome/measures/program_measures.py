"""The reach of the practice's programs (medhome measures, docs/clinical-rules.md#program-reach):
per shipped in-practice program, the eligible children it enrolled (a universal program: reached
with a contact) and offered; Reach Out and Read books per eligible well-child visit; positive
screens with a program contact within 30 days. Each builder returns (queryset, child_path) in the
membership shape (engine.py). The program's ages are the practice's own row's, so a practice's
adjusted ages hold: the rows are read first (one small query) and their ages become plain
conditions, on the date of birth for reach (eligibility) and on the age in days at the visit or
screen (sql.DaysBetween) for the books and the screens' contacts (_within).

What each measure counts, and every simplification: program_definitions.py.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from medhome.families.models import Child
from medhome.measures import program_definitions
from medhome.measures.attribution import on_panel, own_rows
from medhome.measures.sql import DaysBetween, any_of, flagged, local_days, shift, well_visits
from medhome.nextsteps.models import PositiveScreen
from medhome.programs.models import Contact, Enrolment, Program

# short key -> the shipped definition (medhome.programs.definitions.catalogue)
PROGRAMS = dict(program_definitions.PROGRAM_MEASURES_FOR)
UNIVERSAL = program_definitions.PROGRAM_UNIVERSAL
BOOK = "book_given"
ROR = "reach_out_and_read"


def panel_children(practices, start: date, end: date) -> QuerySet:
    """Children on the practice's panel on the period's last day, born by then
    (docs/clinical-rules.md#measure-attribution)."""
    return Child.objects.filter(practice__in=practices, date_of_birth__lte=end).filter(
        on_panel(end, practices=own_rows(practices))
    )


def _running_rows(practices, *fields: str, **which) -> list[tuple]:
    """(fields…, from age, until age, practice id) of the practices' running program rows that
    match `which`: a handful, read first so that their ages become plain conditions on the rows
    measured; probing the program rows for every child, visit or screen instead cost programs
    4x the hand-written SQL at 100k children and the books 5.7 s at 1M
    (bench/measures_vs_sql.py, bench/measures.py --programs)."""
    rows = Program.objects.filter(practice__in=practices, is_active=True, **which)
    return list(rows.values_list(*fields, "min_age_days", "max_age_days", "practice_id"))


def _by_ages(rows: list[tuple], bounds: Callable[[int | None, int | None], dict]) -> dict:
    """{the rows' leading field (None without): the outer row's practice is one of theirs and
    `bounds(from age, until age)` holds}, the rows with the same ages sharing one condition."""
    practices: dict[tuple, set] = {}
    for *key, low, high, practice in rows:
        practices.setdefault((key[0] if key else None, low, high), set()).add(practice)
    conditions: dict = {}
    for (key, low, high), ids in sorted(practices.items(), key=str):
        condition = Q(practice_id__in=sorted(ids, key=str), **bounds(low, high))
        conditions.setdefault(key, []).append(condition)
    return {key: any_of(found) for key, found in conditions.items()}


def _within(rows: list[tuple], age: str) -> Q | None:
    """The outer row's practice runs one of the rows and its `age` (days, an annotation) is
    within that row's ages (from inclusive, until exclusive); None when there is no row."""

    def bounds(low: int | None, high: int | None) -> dict:
        found = {} if low is None else {f"{age}__gte": low}
        return found if high is None else {**found, f"{age}__lt": high}

    return _by_ages(rows, bounds).get(None)


def eligibility(practices, start: date, end: date) -> dict[str, Q]:
    """{program definition: the condition, on a child row, that the child's practice runs the
    program and the child is within its ages on some day of the period}; a program no practice
    runs is absent. The ages become bounds on the date of birth: age on the last day >= from-age
    (born on or before the last day minus it), age on the first day < until-age (born after the
    first day minus it)."""

    def bounds(low: int | None, high: int | None) -> dict:
        found = {} if low is None else {"date_of_birth__lte": end - timedelta(days=low)}
        if high is not None:
            found["date_of_birth__gt"] = start - timedelta(days=high)
        return found

    rows = _running_rows(practices, "definition", definition__in=list(PROGRAMS.values()))
    return _by_ages(rows, bounds)


def _no_units(rows: QuerySet, child: str = "pk") -> QuerySet:
    """No practice runs the program: an empty membership, which costs no query."""
    return flagged(rows.none(), Q(pk__in=[]), child)


def reached(short: str, start: date, end: date) -> Exists:
    """Enrolled on some day of the period; a universal program: a contact dated in it."""
    definition = PROGRAMS[short]
    if short in UNIVERSAL:
        return Exists(
            Contact.objects.filter(
                child=OuterRef("pk"), program__definition=definition, on__range=(start, end)
            )
        )
    return Exists(
        Enrolment.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start),
            child=OuterRef("pk"),
            program__definition=definition,
            enrolled_on__isnull=False,
            enrolled_on__lte=end,
        )
    )


def offered(short: str, end: date) -> Exists:
    """Offered on or before the period's last day, whatever came of it."""
    return Exists(
        Enrolment.objects.filter(
            child=OuterRef("pk"), program__definition=PROGRAMS[short], offered_on__lte=end
        )
    )


def split(key: str) -> tuple[str, str]:
    """ "prog_vip_offered" -> ("vip", "offered")."""
    _prog, short, what = key.split("_", 2)
    return short, what


def reach(key: str, rules, practices, start: date, end: date):
    short, what = split(key)
    eligible = eligibility(practices, start, end).get(PROGRAMS[short])
    children = panel_children(practices, start, end)
    if eligible is None:
        return _no_units(children), ""
    condition = reached(short, start, end) if what == "reach" else offered(short, end)
    return flagged(children.filter(eligible), condition), ""


def books(key: str, rules, practices, start: date, end: date):
    """Well-child visits in the period of a child within Reach Out and Read's ages on the
    visit's day, on the panel that day; in the numerator with a book given at that visit or on
    its day."""
    visits = (
        well_visits(rules)
        .filter(local_days("starts_at", start, end), practice__in=practices)
        .annotate(age=DaysBetween(F("day"), F("child__date_of_birth")))
    )
    within = _within(_running_rows(practices, definition=ROR), "age")
    if within is None:
        return _no_units(visits, "child_id"), "child__"
    visits = visits.filter(
        within, on_panel(OuterRef("day"), "child_id", practices=own_rows(practices))
    )
    book = Contact.objects.filter(
        Q(visit=OuterRef("pk")) | Q(on=OuterRef("day")),
        child=OuterRef("child_id"),
        program__definition=ROR,
        kind=BOOK,
    )
    return flagged(visits, Exists(book), "child_id"), "child__"


def contact_window(rules: dict, start: date, end: date) -> tuple[date, date]:
    """Found from the period's first day to its last minus the days, as the follow-up rates."""
    return start, end - timedelta(days=int(rules["program_contact_days"]))


def screens_contacted(key: str, rules, practices, start: date, end: date):
    """Positive screens found in the window, of a child on the panel that day and within the
    ages of a program the practice runs in the clinic (not a partner's); in the numerator with a
    contact of any of the practice's programs from the day found to `program_contact_days`
    after."""
    first, last = contact_window(rules, start, end)
    screens = PositiveScreen.objects.filter(
        practice__in=practices, found_on__gte=first, found_on__lte=last
    ).annotate(
        age=DaysBetween(F("found_on"), F("child__date_of_birth")),
        contact_by=shift(F("found_on"), int(rules["program_contact_days"])),
    )
    within = _within(_running_rows(practices, referral_need=""), "age")
    if within is None:  # no practice runs a program in the clinic
        return _no_units(screens, "child_id"), "child__"
    screens = screens.filter(
        within, on_panel(OuterRef("found_on"), "child_id", practices=own_rows(practices))
    )
    contact = Contact.objects.filter(
        child=OuterRef("child_id"),
        on__gte=OuterRef("found_on"),
        on__lte=OuterRef("contact_by"),
    )
    return flagged(screens, Exists(contact), "child_id"), "child__"


REACH_KEYS = program_definitions.PROGRAM_REACH_KEYS
BUILDERS = {
    **dict.fromkeys(REACH_KEYS, reach),
    "prog_ror_books": books,
    "prog_screen_contact": screens_contacted,
}
