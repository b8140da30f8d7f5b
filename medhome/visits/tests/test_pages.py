"""The booking pages and Today's site day: roles, htmx slots, the day's buttons, Spanish."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.families.models import AvailabilityWindow, Caregiver
from medhome.practices.models import Site
from medhome.visits.models import Visit
from tests import factories

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)  # a Friday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def main_street(practice_a):
    return Site.objects.create(practice=practice_a, name="Main Street", zip_code="02128")


@pytest.fixture
def desk(log_in, staff_a, practice_a):
    return log_in(staff_a[Role.FRONT_DESK], practice_a)


@pytest.fixture
def good_time(caregiver_a):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(availability_note="después de las 10")
    return AvailabilityWindow.objects.create(
        practice=caregiver_a.practice,
        caregiver=caregiver_a,
        weekday=2,
        starts_at=time(10),
        ends_at=time(11),
    )


def test_booking_page_shows_the_familys_times_first_in_their_words(
    desk, child_a, main_street, good_time, clinician_a
):
    page = desk.get(reverse("visits:book", args=[child_a.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert "después de las 10" in body
    fitting = page.context["fitting"]
    assert fitting and fitting[0].starts_at == datetime(2026, 11, 25, 10, tzinfo=ZONE)
    assert "fits the times the family marked as good" in body
    assert body.index("Times that fit the family") < body.index("Other free times")


def test_htmx_refresh_returns_only_the_slots(desk, child_a, main_street, clinician_a):
    page = desk.get(
        reverse("visits:book", args=[child_a.pk]),
        {
            "kind": "sick",
            "modality": "video",
            "site": "",
            "clinician": clinician_a.pk,
            "duration_minutes": 15,
            "from_day": "2026-11-23",
        },
        headers={"HX-Request": "true"},
    )

    body = page.content.decode()
    assert page.status_code == 200 and body.lstrip().startswith('<div id="slots"')
    assert "Telehealth (video)" in body


def test_choosing_a_slot_books_it_and_goes_back_to_the_chart(
    desk, child_a, main_street, clinician_a
):
    response = desk.post(
        reverse("visits:book", args=[child_a.pk]),
        {
            "kind": "well_child",
            "modality": "in_person",
            "site": main_street.pk,
            "clinician": clinician_a.pk,
            "duration_minutes": 30,
            "from_day": "2026-11-23",
            "starts_at": "2026-11-23 09:00",
        },
    )

    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.starts_at == datetime(2026, 11, 23, 9, tzinfo=ZONE)
    assert (visit.site, visit.clinician, visit.duration_minutes) == (main_street, clinician_a, 30)
    chart = desk.get(response["Location"])
    assert "Visit booked for Monday 11/23/2026 09:00." in chart.content.decode()


def test_a_confidential_visit_is_booked_confidential_and_its_slots_carry_it(
    desk, child_a, main_street, clinician_a
):
    search = {
        "kind": "well_child",
        "modality": "in_person",
        "site": main_street.pk,
        "clinician": clinician_a.pk,
        "duration_minutes": 30,
        "from_day": "2026-11-23",
        "confidential": "on",
    }
    slots = desk.get(reverse("visits:book", args=[child_a.pk]), search).content.decode()
    assert 'name="confidential" value="on"' in slots

    desk.post(
        reverse("visits:book", args=[child_a.pk]), {**search, "starts_at": "2026-11-23 09:00"}
    )
    assert Visit.objects.get().confidential is True


def test_a_refused_slot_says_why_and_books_nothing(desk, child_a, main_street, clinician_a):
    response = desk.post(
        reverse("visits:book", args=[child_a.pk]),
        {
            "kind": "well_child",
            "modality": "in_person",
            "site": main_street.pk,
            "clinician": clinician_a.pk,
            "duration_minutes": 30,
            "from_day": "2026-11-23",
            "starts_at": "2026-11-22 09:00",  # a Sunday
        },
    )

    assert response.status_code == 400
    assert "closed on that day of the week" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_malformed_site_is_a_form_error_not_a_500(desk, child_a, clinician_a):
    response = desk.post(
        reverse("visits:book", args=[child_a.pk]),
        {
            "kind": "well_child",
            "modality": "in_person",
            "site": "not-a-uuid",
            "duration_minutes": 30,
            "from_day": "2026-11-23",
            "starts_at": "2026-11-23 09:00",
        },
    )
    assert response.status_code == 400 and not Visit.objects.exists()


def test_roles_without_booking_are_refused(log_in, staff_a, practice_a, child_a):
    legal = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)
    assert legal.get(reverse("visits:book", args=[child_a.pk])).status_code == 403
    visit = factories.schedule_visit(child_a, at="2026-11-23 09:00:00-05:00")
    response = legal.post(reverse("visits:mark", args=[visit.pk]), {"to": "arrived"})
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.status == "scheduled"


def test_chart_shows_visits_with_their_buttons(desk, child_a):
    factories.schedule_visit(child_a, at="2026-11-23 09:00:00-05:00")

    body = desk.get(reverse("families:chart", args=[child_a.pk])).content.decode()

    assert "Book a visit" in body and "Arrived" in body and "Did not come" in body
    assert "Booked" in body


def test_move_and_cancel_from_the_pages(desk, child_a, main_street):
    visit = factories.schedule_visit(child_a, at="2026-11-23 09:00:00-05:00")

    assert desk.get(reverse("visits:move", args=[visit.pk])).status_code == 200
    moved = desk.post(reverse("visits:move", args=[visit.pk]), {"starts_at": "2026-11-24 14:00"})
    assert moved.status_code == 302
    visit.refresh_from_db()
    assert visit.starts_at == datetime(2026, 11, 24, 14, tzinfo=ZONE)

    assert desk.get(reverse("visits:cancel", args=[visit.pk])).status_code == 200
    refused = desk.post(reverse("visits:cancel", args=[visit.pk]), {"reason": "ehr"})
    assert refused.status_code == 400
    desk.post(reverse("visits:cancel", args=[visit.pk]), {"reason": "family_asked"})
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == ("cancelled", "family_asked")


def test_mark_refuses_an_unknown_move_and_a_foreign_next(desk, child_a):
    visit = factories.schedule_visit(child_a, at="2026-11-20 13:00:00-05:00")

    response = desk.post(
        reverse("visits:mark", args=[visit.pk]), {"to": "completed", "next": "https://evil.test/"}
    )

    assert response["Location"] == reverse("families:chart", args=[child_a.pk])
    visit.refresh_from_db()
    assert visit.status == "scheduled"  # booked → completed is not a move


def test_today_is_a_sites_day_with_every_status_and_front_desk_buttons(
    desk, practice_a, child_a, family_a, main_street
):
    other_site = Site.objects.create(practice=practice_a, name="Harbor Annex", zip_code="02129")
    here = factories.schedule_visit(child_a, at="2026-11-20 13:00:00-05:00")
    here.site = main_street
    here.save()
    sibling = factories.add_child(family_a, legal_given_name="Tomás", mrn="TG-2")
    gone = factories.schedule_visit(sibling, at="2026-11-20 09:00:00-05:00")
    gone.site, gone.status = main_street, "no_show"
    gone.save()
    elsewhere = factories.schedule_visit(sibling, at="2026-11-20 10:00:00-05:00")
    elsewhere.site = other_site
    elsewhere.save()

    page = desk.get(reverse("screening:today"), {"site": main_street.pk})

    rows = page.context["rows"]
    assert [row.visit for row in rows] == [gone, here]  # time order, this site only
    body = page.content.decode()
    assert "Did not come" in body and 'name="to" value="arrived"' in body
    assert 'value="completed"' not in body  # the front desk's day: arrived and no-show
    # No pre-visit link for a visit that did not happen.
    assert reverse("screening:send", args=[sibling.pk]) not in body

    again = desk.get(reverse("screening:today"))  # the site chosen last is kept
    assert again.context["site"] == main_street

    every = desk.get(reverse("screening:today"), {"site": "all"})
    assert len(every.context["rows"]) == 3

    desk.post(
        reverse("visits:mark", args=[here.pk]),
        {"to": "arrived", "next": reverse("screening:today")},
    )
    here.refresh_from_db()
    assert here.status == "arrived"


def test_today_without_a_chosen_site_opens_the_first(desk, practice_a, main_street):
    Site.objects.create(practice=practice_a, name="Annex", zip_code="02129")
    assert desk.get(reverse("screening:today")).context["site"].name == "Annex"


def test_spanish_booking_page(desk, child_a, main_street, good_time):
    desk.post(reverse("set_language"), {"language": "es"})

    body = desk.get(reverse("visits:book", args=[child_a.pk])).content.decode()

    assert "Reservar una cita" in body
    assert "Horarios que le convienen a la familia" in body
    assert "coincide con los horarios que la familia marcó como buenos" in body
