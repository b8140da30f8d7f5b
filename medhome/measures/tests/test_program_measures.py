"""The reach of the practice's programs at their edges (docs/clinical-rules.md#program-reach):
the program row's ages (lower inclusive, upper exclusive), a book on the visit's day or not, a
contact on day 30 and day 31 after a positive screen, strata with suppression, the export's
rows, the batch equal to the measures one by one, and the dashboard's queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medhome.accounts.roles import Role
from medhome.measures import batches, engine, reference, selectors, strata
from medhome.measures.periods import Period
from medhome.measures.program_definitions import PROGRAM_REACH_KEYS
from medhome.measures.suppression import suppress_rows
from medhome.nextsteps.models import PositiveScreen
from medhome.programs.models import Contact, Enrolment
from tests.factories import actor_for
from tests.program_factories import program

from .helpers import at, child, screen, visit

START, END = date(2026, 1, 1), date(2026, 12, 31)
DAY = timedelta(days=1)


def both(key, practice):
    results = [
        module.compute(key, practices=[practice], period_start=START, period_end=END)
        for module in (engine, reference)
    ]
    assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
    assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
    return results[0]


def book(kid, user, on, *, at_visit=None):
    ror = program(kid.practice, "reach_out_and_read")
    return Contact.objects.create(
        practice=kid.practice,
        program=ror,
        child=kid,
        visit=at_visit,
        kind="book_given",
        on=on,
        recorded_at=at(on),
        staff=user,
        role="pediatrician",
        book_language="es",
    )


def enrol(kid, key, *, offered, enrolled=None, ended=None, status="enrolled", tier=""):
    return Enrolment.objects.create(
        practice=kid.practice,
        program=program(kid.practice, key),
        child=kid,
        status=status,
        tier=tier,
        offered_on=offered,
        enrolled_on=enrolled,
        ended_on=ended,
        updated_at=at(offered),
    )


@pytest.mark.django_db
def test_books_per_eligible_visit_at_the_age_edges_and_the_visits_day(
    family_a, practice_a, staff_a
):
    user = next(iter(staff_a.values()))
    ror = program(practice_a, "reach_out_and_read")
    low, high = ror.min_age_days, ror.max_age_days  # 181 and 1826 days
    day = date(2026, 6, 10)
    at_low = child(family_a, day - timedelta(days=low))
    under = child(family_a, day - timedelta(days=low - 1))
    last_day = child(family_a, day - timedelta(days=high - 1))
    at_high = child(family_a, day - timedelta(days=high))
    other_day = child(family_a, day - timedelta(days=400))
    linked = child(family_a, day - timedelta(days=700))
    visits = {kid: visit(kid, day) for kid in (at_low, under, last_day, at_high, other_day)}
    visits[linked] = visit(linked, day)
    visit(child(family_a, day - timedelta(days=500)), day, kind="sick")
    book(at_low, user, day)
    book(under, user, day)
    book(other_day, user, day + DAY)  # a book on another day than the visit
    book(linked, user, day - DAY, at_visit=visits[linked])  # dated wrongly, but at the visit

    result = both("prog_ror_books", practice_a)

    assert set(result.denominator_ids) == {
        visits[k].pk for k in (at_low, last_day, other_day, linked)
    }
    assert set(result.numerator_ids) == {visits[at_low].pk, visits[linked].pk}


@pytest.mark.django_db
def test_books_count_nothing_where_the_practice_does_not_run_the_program(family_a, practice_a):
    visit(child(family_a, date(2024, 1, 1)), date(2026, 3, 3))
    assert both("prog_ror_books", practice_a).denominator == 0
    ror = program(practice_a, "reach_out_and_read")
    assert both("prog_ror_books", practice_a).denominator == 1
    ror.is_active = False
    ror.save()
    assert both("prog_ror_books", practice_a).denominator == 0


@pytest.mark.django_db
def test_reach_and_offer_among_the_eligible(family_a, practice_a, staff_a):
    program(practice_a, "dulce")  # birth to 6 months (exclusive: 184 days)
    old = child(family_a, START - timedelta(days=184))  # aged out the day before the period
    last = child(family_a, START - timedelta(days=183))  # eligible on the period's first day
    enrolled = child(family_a, date(2026, 5, 1))
    declined = child(family_a, date(2026, 5, 2))
    ended_before = child(family_a, date(2025, 12, 1))
    enrol(enrolled, "dulce", offered=date(2026, 5, 5), enrolled=date(2026, 5, 6))
    enrol(declined, "dulce", offered=date(2026, 5, 5), status="declined")
    enrol(
        ended_before,
        "dulce",
        offered=date(2025, 12, 2),
        enrolled=date(2025, 12, 2),
        ended=date(2025, 12, 31),
        status="left",
    )
    enrol(old, "dulce", offered=date(2025, 7, 1), enrolled=date(2025, 7, 1))

    reach = both("prog_dulce_reach", practice_a)
    offer = both("prog_dulce_offered", practice_a)

    eligible = {last.pk, enrolled.pk, declined.pk, ended_before.pk}
    assert set(reach.denominator_ids) == eligible == set(offer.denominator_ids)
    assert set(reach.numerator_ids) == {enrolled.pk}
    assert set(offer.numerator_ids) == {enrolled.pk, declined.pk, ended_before.pk}


@pytest.mark.django_db
def test_each_practice_own_ages_bound_its_children_at_both_edges(
    family_a, family_b, practice_a, practice_b
):
    """Eligibility is each practice's own row: practice A runs DULCE from 30 days to 100 days
    (its adjusted ages), practice B the shipped 0-184 days and an open-ended CHW row. The
    engine's bounds on the date of birth (program_measures.eligibility) match the reference's
    ages at the lower edge on the period's last day and the upper edge on its first, one
    practice, both together, and in the batch."""
    start, end = date(2025, 1, 1), date(2025, 12, 31)  # a past year: no birth in the future

    def compute(key, practices):
        results = [
            module.compute(key, practices=practices, period_start=start, period_end=end)
            for module in (engine, reference)
        ]
        assert sorted(results[0].denominator_ids) == sorted(results[1].denominator_ids), key
        assert sorted(results[0].numerator_ids) == sorted(results[1].numerator_ids), key
        return set(results[0].denominator_ids)

    program(practice_a, "dulce", min_age_days=30, max_age_days=100)
    program(practice_b, "dulce")
    program(practice_b, "chw", min_age_days=None, max_age_days=None)
    a_low = child(family_a, end - timedelta(days=30))  # 30 days old on the last day: in
    a_under = child(family_a, end - timedelta(days=29))  # 29 days on the last day: out
    a_high = child(family_a, start - timedelta(days=99))  # 99 days on the first day: in
    a_over = child(family_a, start - timedelta(days=100))  # 100 days on the first day: out
    b_newborn = child(family_b, end)  # born on the last day: in for B's DULCE and CHW
    b_over = child(family_b, start - timedelta(days=184))  # out for DULCE, in for CHW
    both_practices = [practice_a, practice_b]
    dulce = compute("prog_dulce_offered", both_practices)
    assert dulce == {a_low.pk, a_high.pk, b_newborn.pk}
    assert {a_under.pk, a_over.pk}.isdisjoint(dulce)
    assert compute("prog_dulce_reach", [practice_a]) == {a_low.pk, a_high.pk}
    assert compute("prog_chw_reach", [practice_b]) >= {b_newborn.pk, b_over.pk}
    assert compute("prog_chw_reach", [practice_a]) == set()
    together = batches.compute_all(
        ["prog_dulce_offered", "prog_chw_reach"],
        practices=both_practices,
        period_start=start,
        period_end=end,
    )
    assert set(together["prog_dulce_offered"].denominator_ids) == dulce
    assert set(together["prog_chw_reach"].denominator_ids) == compute(
        "prog_chw_reach", both_practices
    )


@pytest.mark.django_db
def test_a_universal_program_reaches_with_a_contact_in_the_period(family_a, practice_a, staff_a):
    user = next(iter(staff_a.values()))
    program(practice_a, "reach_out_and_read")
    booked, before = child(family_a, date(2024, 1, 1)), child(family_a, date(2024, 1, 2))
    book(booked, user, date(2026, 2, 1))
    book(before, user, START - DAY)

    result = both("prog_ror_reach", practice_a)

    assert {booked.pk, before.pk} <= set(result.denominator_ids)  # family_a's own child too
    assert set(result.numerator_ids) == {booked.pk}


def positive(kid, found):
    administration = screen(kid, found, key="mchat_r", positive=True)
    return PositiveScreen.objects.create(
        practice_id=kid.practice_id,
        child=kid,
        administration=administration,
        kind="autism",
        found_at=at(found),
        found_on=found,
    )


@pytest.mark.django_db
def test_program_contact_on_day_30_counts_and_day_31_does_not(family_a, practice_a, staff_a):
    user = next(iter(staff_a.values()))
    program(practice_a, "reach_out_and_read")
    found = date(2026, 3, 1)
    kids = [child(family_a, date(2024, 6, 1)) for _ in range(4)]
    day_30, day_31, before, none = (positive(kid, found) for kid in kids)
    book(kids[0], user, found + timedelta(days=30))
    book(kids[1], user, found + timedelta(days=31))
    book(kids[2], user, found - DAY)
    too_old = child(family_a, date(2018, 1, 1))  # outside every program's ages
    positive(too_old, found)
    late = positive(kids[3], END - timedelta(days=29))  # no 30 days left in the period

    result = both("prog_screen_contact", practice_a)

    assert set(result.denominator_ids) == {day_30.pk, day_31.pk, before.pk, none.pk}
    assert late.pk not in result.denominator_ids
    assert set(result.numerator_ids) == {day_30.pk}


@pytest.mark.django_db
def test_the_batch_gives_each_program_what_the_measure_gives_it(family_a, practice_a, staff_a):
    user = next(iter(staff_a.values()))
    for key in ("reach_out_and_read", "vip", "healthysteps", "dulce", "chw"):
        program(practice_a, key)
    kids = [child(family_a, date(2026, 1, 1) - timedelta(days=90 * n)) for n in range(12)]
    enrol(kids[1], "healthysteps", offered=date(2026, 2, 1), enrolled=date(2026, 2, 1), tier="2")
    enrol(kids[2], "vip", offered=date(2026, 2, 1), status="offered")
    enrol(kids[3], "chw", offered=date(2026, 2, 1), enrolled=date(2026, 2, 3))
    book(kids[4], user, date(2026, 3, 1))

    together = batches.compute_all(
        PROGRAM_REACH_KEYS, practices=[practice_a], period_start=START, period_end=END
    )
    for key, fast in together.items():
        slow = both(key, practice_a)
        assert sorted(fast.numerator_ids) == sorted(slow.numerator_ids), key
        assert sorted(fast.denominator_ids) == sorted(slow.denominator_ids), key
    assert together["prog_chw_reach"].denominator == 13  # any age: family_a's child too
    assert together["prog_hs_reach"].numerator == 1


@pytest.mark.django_db
def test_books_by_language_with_small_cells_suppressed(family_a, practice_a, staff_a):
    user = next(iter(staff_a.values()))
    program(practice_a, "reach_out_and_read")
    day = date(2026, 4, 1)
    for n in range(12):
        kid = child(family_a, date(2024, 1, 1), preferred_language="es" if n < 10 else "en")
        visit(kid, day)
        if n % 2 == 0:
            book(kid, user, day)
    membership = engine.membership(
        "prog_ror_books", practices=[practice_a], period_start=START, period_end=END
    )

    cells = {cell.key: cell for cell in strata.stratify(membership, "language")}

    assert (cells["es"].numerator, cells["es"].denominator) == (5, 10)
    assert (cells["en"].numerator, cells["en"].denominator) == (1, 2)
    shown = {cell.key: cell for cell in suppress_rows(list(cells.values()), exclusive=True)}
    assert shown["en"].hidden and shown["es"].hidden  # the complement would tell the small one


@pytest.mark.django_db
def test_the_export_has_the_programs_rows(family_a, practice_a, staff_a):
    program(practice_a, "reach_out_and_read")
    period = Period("2026", START, END, "2026")
    actor_a = actor_for(staff_a[Role.PRACTICE_ADMIN], practice_a, Role.PRACTICE_ADMIN)

    rows = list(selectors.export_rows(actor_a, ["prog_ror_books"], period, "internal"))

    languages = [row for row in rows if row[4] == "Preferred language"]
    assert languages and all(row[0] == "prog_ror_books" for row in rows)


@pytest.mark.django_db
def test_dashboard_shows_the_programs_and_its_queries_do_not_grow_with_them(
    log_in, family_a, practice_a, staff_a
):
    import time_machine

    user = next(iter(staff_a.values()))
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    kid = child(family_a, date(2024, 1, 1), preferred_language="es")
    hs = program(practice_a, "reach_out_and_read") and program(practice_a, "healthysteps")
    enrolment = enrol(kid, "healthysteps", offered=date(2026, 2, 1), enrolled=date(2026, 2, 1))
    from medhome.programs.models import EnrolmentChange

    EnrolmentChange.objects.create(
        practice=practice_a,
        enrolment=enrolment,
        on=date(2026, 2, 1),
        recorded_at=at(date(2026, 2, 1)),
        by=user,
        to_status="enrolled",
        to_tier="3",
    )
    visit(kid, date(2026, 3, 3))
    book(kid, user, date(2026, 3, 3))

    def queries() -> tuple[int, str]:
        with (
            time_machine.travel("2026-11-15 12:00:00+00:00", tick=False),
            CaptureQueriesContext(connection) as captured,
        ):
            response = client.get("/measures/?period=2026")
        assert response.status_code == 200
        return len(captured), response.content.decode()

    few, body = queries()
    assert "Reach Out and Read: books per eligible well-child visit" in body
    assert hs.tier_name("3") in body
    for key in ("vip", "dulce", "chw"):
        program(practice_a, key)
    more, body = queries()
    assert more == few, more
    assert "Video Interaction Project" in body
