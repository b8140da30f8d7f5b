"""The reach of the practice's programs (medhome measures, docs/clinical-rules.md#program-reach):
per shipped in-practice program, the eligible children it enrolled (a universal program: reached
with a contact) and offered; Reach Out and Read books per eligible well-child visit; positive
screens with a program contact within 30 days. Each builder returns (queryset, child_path) in the
membership shape (engine.py): one query, the program's ages read from the practice's own row in
SQL (sql.DaysBetween), so a practice's adjusted ages hold and no extra query is made.

What each measure counts, and every simplification: program_definitions.py.
"""

from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from medhome.families.models import Child
from medhome.measures import program_definitions
from medhome.measures.attribution import on_panel
from medhome.measures.sql import DaysBetween, any_of, flagged, local_days, shift, well_visits
from medhome.nextsteps.models import PositiveScreen
from medhome.programs.models import Contact, Enrolment, Program

# short key -> the shipped definition (medhome.programs.definitions.catalogue)
PROGRAMS = dict(program_definitions.PROGRAM_MEASURES_FOR)
UNIVERSAL = program_definitions.PROGRAM_UNIVERSAL
BOOK = "book_given"
ROR = "reach_out_and_read"


def _ages(first: str, last: str) -> Q:
    """The program row's ages hold on some day from the outer row's age `first` to its age
    `last` (in days): the lower bound inclusive, the upper exclusive (clinical-rules#programs)."""
    return (Q(min_age_days__isnull=True) | Q(min_age_days__lte=OuterRef(last))) & (
        Q(max_age_days__isnull=True) | Q(max_age_days__gt=OuterRef(first))
    )


def runs(definition: str, first: str, last: str, practice: str = "practice_id") -> Exists:
    """The outer row's practice runs the program and the outer row is within its ages."""
    return Exists(
        Program.objects.filter(
            _ages(first, last),
            practice_id=OuterRef(practice),
            definition=definition,
            is_active=True,
        )
    )


def running(definitions) -> Q:
    """The outer row's practice (its practice_id) has an active row of one of the programs.
    Implied by `runs`, whose per-row probe cannot tell PostgreSQL that a practice running none
    of them has no units: this uncorrelated `IN` over the (few) program rows lets it skip those
    practices' visits instead of probing every one (0.20 s at 100k children for a network that
    runs no program; bench/measures_vs_sql.py)."""
    rows = Program.objects.filter(is_active=True, definition__in=list(definitions))
    return Q(practice_id__in=rows.values("practice_id"))


def panel_children(practices, start: date, end: date) -> QuerySet:
    """Children on the practice's panel on the period's last day, born by then
    (docs/clinical-rules.md#measure-attribution)."""
    return Child.objects.filter(practice__in=practices, date_of_birth__lte=end).filter(
        on_panel(end)
    )


def eligibility(practices, start: date, end: date) -> dict[str, Q]:
    """{program definition: the condition, on a child row, that the child's practice runs the
    program and the child is within its ages on some day of the period}; a program no practice
    runs is absent. One query reads the practices' running program rows (a handful); each row's
    ages become bounds on the date of birth (age on the last day >= from-age: born on or before
    the last day minus it; age on the first day < until-age: born after the first day minus it),
    rows with the same ages sharing one condition. Probing the program rows for every child
    instead cost 4x the hand-written SQL on a panel running every program
    (bench/measures_vs_sql.py, bench/measures.py --programs)."""
    rows = Program.objects.filter(
        practice__in=practices, is_active=True, definition__in=list(PROGRAMS.values())
    ).values_list("definition", "min_age_days", "max_age_days", "practice_id")
    practices_by_ages: dict[tuple, set] = {}
    for definition, low, high, practice in rows:
        practices_by_ages.setdefault((definition, low, high), set()).add(practice)
    conditions: dict[str, list[Q]] = {}
    for (definition, low, high), ids in sorted(practices_by_ages.items(), key=str):
        bounds: dict = {"practice_id__in": sorted(ids, key=str)}
        if low is not None:
            bounds["date_of_birth__lte"] = end - timedelta(days=low)
        if high is not None:
            bounds["date_of_birth__gt"] = start - timedelta(days=high)
        conditions.setdefault(definition, []).append(Q(**bounds))
    return {definition: any_of(found) for definition, found in conditions.items()}


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
    if eligible is None:  # no practice runs it: no units, and no query
        return flagged(children.none(), Q(pk__in=[])), ""
    condition = reached(short, start, end) if what == "reach" else offered(short, end)
    return flagged(children.filter(eligible), condition), ""


def books(key: str, rules, practices, start: date, end: date):
    """Well-child visits in the period of a child within Reach Out and Read's ages on the
    visit's day, on the panel that day; in the numerator with a book given at that visit or on
    its day."""
    visits = (
        well_visits(rules)
        .filter(local_days("starts_at", start, end), running([ROR]), practice__in=practices)
        .annotate(age=DaysBetween(F("day"), F("child__date_of_birth")))
        .filter(runs(ROR, "age", "age"), on_panel(OuterRef("day"), "child_id"))
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
    in_practice = Program.objects.filter(
        _ages("age", "age"), practice_id=OuterRef("practice_id"), is_active=True, referral_need=""
    )
    screens = (
        PositiveScreen.objects.filter(
            practice__in=practices, found_on__gte=first, found_on__lte=last
        )
        # As `running`: skip at once the practices that run no program in the clinic.
        .filter(
            practice_id__in=Program.objects.filter(is_active=True, referral_need="").values(
                "practice_id"
            )
        )
        .filter(on_panel(OuterRef("found_on"), "child_id"))
        .annotate(
            age=DaysBetween(F("found_on"), F("child__date_of_birth")),
            contact_by=shift(F("found_on"), int(rules["program_contact_days"])),
        )
        .filter(Exists(in_practice))
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
