"""The huddle sheet on screen: who is coming, what each child needs, who may see what."""

import uuid
from datetime import time, timedelta

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.careplan.models import CarePlan
from medhome.core.actor import Actor
from medhome.events.models import CareEvent
from medhome.families.models import Caregiver
from medhome.practices.models import PracticeCalendar, Site
from medhome.visits.agenda import write_agenda
from medhome.visits.models import Visit
from tests import care_factories, factories

from .conftest import NOW, TODAY, TOMORROW, at, screen

pytestmark = pytest.mark.django_db


def sheet_url(day=TOMORROW, **extra) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"day": day, **extra}.items())
    return f"{reverse('huddle:sheet')}?{query}"


def test_the_days_visits_come_in_time_order_with_language_and_interpreter(
    client_a, family_a, child_a, infant_a
):
    factories.schedule_visit(child_a, at=at(TOMORROW, 10))
    factories.schedule_visit(infant_a, at=at(TOMORROW, 9, 20))
    factories.schedule_visit(child_a, at=at(TODAY, 9))  # another day

    page = client_a.get(sheet_url())

    assert page.status_code == 200
    rows = page.context["sheet"].rows
    assert [row.child.pk for row in rows] == [infant_a.pk, child_a.pk]
    body = page.content.decode()
    assert "Marisol García" in body and "Spanish" in body and "interpreter needed" in body
    assert "Book an interpreter (Spanish)." in body


def test_cancelled_and_missed_visits_are_left_out(client_a, child_a, infant_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 10))
    cancelled = factories.schedule_visit(infant_a, at=at(TOMORROW, 11))
    Visit.objects.filter(pk=cancelled.pk).update(status="cancelled")

    rows = client_a.get(sheet_url()).context["sheet"].rows

    assert [row.child.pk for row in rows] == [child_a.pk]


def test_the_day_defaults_to_today_and_tomorrow_is_one_click_away(client_a, child_a):
    factories.schedule_visit(child_a, at=at(TODAY, 15))

    page = client_a.get(reverse("huddle:sheet"))

    assert page.context["sheet"].day == TODAY
    assert f"?day={TOMORROW.isoformat()}" in page.content.decode()
    assert len(page.context["sheet"].rows) == 1


def test_the_next_clinic_day_comes_from_the_practice_calendar(client_a, practice_a):
    # Tomorrow (a Tuesday) is the practice's holiday: the huddle prepares Wednesday.
    PracticeCalendar.objects.update_or_create(
        practice=practice_a,
        defaults={
            "opens_at": time(8),
            "closes_at": time(17),
            "working_weekdays": [1, 2, 3, 4, 5],
            "holidays": [TOMORROW.isoformat()],
        },
    )

    page = client_a.get(reverse("huddle:sheet"))

    wednesday = TOMORROW + timedelta(days=1)
    assert page.context["next_clinic_day"] == wednesday
    assert f"?day={wednesday.isoformat()}" in page.content.decode()


def test_a_bad_day_falls_back_to_today(client_a):
    page = client_a.get(sheet_url(day="2026-13-45"))

    assert page.status_code == 200 and page.context["sheet"].day == TODAY


def test_the_site_is_remembered_with_todays(client_a, practice_a, child_a, infant_a):
    north = Site.objects.create(practice=practice_a, name="North", zip_code="02128")
    south = Site.objects.create(practice=practice_a, name="South", zip_code="02128")
    Visit.objects.filter(pk=factories.schedule_visit(child_a, at=at(TOMORROW, 9)).pk).update(
        site=north
    )
    Visit.objects.filter(pk=factories.schedule_visit(infant_a, at=at(TOMORROW, 10)).pk).update(
        site=south
    )

    chosen = client_a.get(sheet_url(site=south.pk))
    remembered = client_a.get(sheet_url())
    today_page = client_a.get(reverse("screening:today"))

    assert [row.child.pk for row in chosen.context["sheet"].rows] == [infant_a.pk]
    assert remembered.context["site"] == south
    assert today_page.context["site"] == south


def test_another_practices_site_id_shows_only_the_own_practices_day(
    client_a, practice_b, child_a, child_b
):
    other = Site.objects.create(practice=practice_b, name="Elsewhere", zip_code="02128")
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    factories.schedule_visit(child_b, at=at(TOMORROW, 9))

    page = client_a.get(sheet_url(site=other.pk))

    assert page.status_code == 200
    assert [row.child.pk for row in page.context["sheet"].rows] == [child_a.pk]
    assert "Zephyrine" not in page.content.decode() and "Elsewhere" not in page.content.decode()


def test_htmx_swaps_only_the_sheet(client_a, child_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))

    partial = client_a.get(sheet_url(), headers={"HX-Request": "true"})

    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="huddle-sheet"')
    assert "<nav" not in body and "Sofía" in body


# --- What is due and the pre-visit link ---------------------------------------------------------


def test_screens_due_with_no_link_say_so_first_after_the_urgent(client_a, infant_a):
    factories.schedule_visit(infant_a, at=at(TOMORROW, 9))

    row = client_a.get(sheet_url()).context["sheet"].rows[0]

    assert row.due.still_due and not row.links
    assert "no pre-visit link was sent" in " ".join(row.first)


def test_a_link_reads_sent_then_opened_then_done(client_a, infant_a, caregiver_a, clinician_a):
    factories.schedule_visit(infant_a, at=at(TOMORROW, 9))
    sent = factories.screening_with_alert(infant_a, caregiver_a, clinician_a)["link"]

    first = client_a.get(sheet_url()).context["sheet"].rows[0].links
    type(sent).objects.filter(pk=sent.pk).update(last_opened_at=NOW)
    opened = client_a.get(sheet_url()).context["sheet"].rows[0].links
    screen(infant_a, key="phq9", link=sent, days_ago=0)
    done = client_a.get(sheet_url()).context["sheet"].rows[0].links

    assert [(link.instrument, link.state) for link in first] == [("PHQ-9", "sent")]
    assert [link.state for link in opened] == ["opened"]
    assert [link.state for link in done] == ["done"]


# --- Results: only for the roles allowed to see them ------------------------------------------


def test_the_clinical_team_sees_results_and_the_front_desk_does_not(client_a, desk, child_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    screen(child_a, key="phq9", band="moderately severe", positive=True, next_step_pending=True)

    clinician = client_a.get(sheet_url())
    front = desk.get(sheet_url())

    row = clinician.context["sheet"].rows[0]
    assert [(r.instrument, r.band, r.pending) for r in row.results] == [
        ("PHQ-9", "moderately severe", True)
    ]
    assert "Discuss the positive screen: PHQ-9." in row.first
    assert front.context["sheet"].rows[0].results is None
    body = front.content.decode()
    assert "moderately severe" not in body and "Discuss the positive screen" not in body
    assert "Screening results are for the clinical team" in body


def test_an_adolescents_own_screen_is_a_count_for_those_who_may_not_open_it(
    client_a, chw, family_a
):
    teen = factories.add_child(
        family_a,
        legal_given_name="Inés",
        mrn="IG-3001",
        date_of_birth=TODAY - timedelta(days=15 * 365),
    )
    factories.schedule_visit(teen, at=at(TOMORROW, 9))
    screen(
        teen, key="crafft", respondent="adolescent", confidential=True, band="high", positive=True
    )

    clinician_row = client_a.get(sheet_url()).context["sheet"].rows[0]
    chw_page = chw.get(sheet_url())

    assert [r.instrument for r in clinician_row.results] == ["CRAFFT"]
    chw_row = chw_page.context["sheet"].rows[0]
    assert (chw_row.results, chw_row.hidden_results) == ([], 1)
    body = chw_page.content.decode()
    assert "CRAFFT" not in body and "1 confidential screen" in body


def test_a_safety_domain_is_never_named_on_the_sheet(client_a, child_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    screen(
        child_a, key="ahc_hrsn", band="positive", positive=True, positive_domains=["food", "safety"]
    )

    page = client_a.get(sheet_url())

    [result] = page.context["sheet"].rows[0].results
    assert (result.domains, result.private) == (("food",), True)
    body = page.content.decode()
    assert "discuss in private" in body and "safety" not in body.lower()


def test_a_screen_whose_safety_items_were_not_asked_says_so_without_naming_safety(
    client_a, child_a
):
    """An imported AHC HRSN (docs/clinical-rules.md#imported-screens): its "negative" is not a
    negative safety screen, and the sheet still never names safety."""
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    screen(
        child_a,
        key="ahc_hrsn",
        mode="imported",
        band="negative",
        positive=False,
        not_determined_domains=["safety"],
    )

    page = client_a.get(sheet_url())

    [result] = page.context["sheet"].rows[0].results
    assert result.questions_not_asked and not result.private
    body = page.content.decode()
    assert "some questions not asked: see the result" in body and "safety" not in body.lower()


def test_screens_before_the_last_visit_are_not_new(client_a, child_a):
    last = factories.schedule_visit(child_a, at=at(TODAY - timedelta(days=10), 9))
    Visit.objects.filter(pk=last.pk).update(status="completed")
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    screen(child_a, key="phq9", days_ago=20, band="old")
    screen(child_a, key="epds", days_ago=2, band="new")

    row = client_a.get(sheet_url()).context["sheet"].rows[0]

    assert [r.band for r in row.results] == ["new"]
    assert row.since == (NOW - timedelta(days=10)).date()


# --- Alerts, referrals, transitions, priorities ----------------------------------------------


def test_an_open_critical_alert_comes_first_with_whom_to_call(
    client_a, desk, infant_a, caregiver_a, clinician_a
):
    factories.schedule_visit(infant_a, at=at(TOMORROW, 9))
    factories.screening_with_alert(infant_a, caregiver_a, clinician_a)

    clinician = client_a.get(sheet_url())
    front = desk.get(sheet_url())

    row = clinician.context["sheet"].rows[0]
    assert row.first[0] == "A clinician calls the family now: a critical answer is open."
    assert "self-harm answer" in clinician.content.decode()
    body = front.content.decode()
    assert "A clinician is needed now for this child." in body
    assert "self-harm" not in body and "(617) 555-0142" in body


def test_open_referrals_show_their_state_to_those_who_refer(
    client_a, desk, child_a, caregiver_a, clinician_a
):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    factories.sent_referral(child_a, caregiver_a, clinician_a, factories.organization("Food Bank"))

    row = client_a.get(sheet_url()).context["sheet"].rows[0]
    front = desk.get(sheet_url()).context["sheet"]

    assert [(r.need, r.organization, r.status) for r in row.referrals] == [
        ("Food", "Food Bank", "Sent")
    ]
    assert front.rows[0].referrals is None and not front.shows_referrals


def test_a_safety_referral_is_not_named(client_a, child_a, caregiver_a, clinician_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    referral = factories.sent_referral(
        child_a, caregiver_a, clinician_a, factories.organization("Harbor Shelter")
    )
    type(referral).objects.filter(pk=referral.pk).update(need="safety")

    page = client_a.get(sheet_url())

    [line] = page.context["sheet"].rows[0].referrals
    assert line.organization == "" and "private" in line.need
    assert "Harbor Shelter" not in page.content.decode()


def test_a_hospital_visit_since_the_last_visit_with_its_follow_up_open(
    client_a, child_a, clinician_a
):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    factories.care_event(child_a, clinician_a)

    row = client_a.get(sheet_url()).context["sheet"].rows[0]

    [transition] = row.transitions
    assert transition.unanswered and transition.kind == "Emergency department visit"
    assert row.first[0].startswith("Ask about the emergency department visit")


def test_a_hospital_visit_before_the_last_visit_is_left_out(client_a, child_a, clinician_a):
    factories.care_event(child_a, clinician_a)
    CareEvent.objects.update(started_at=NOW - timedelta(days=30))
    last = factories.schedule_visit(child_a, at=at(TODAY - timedelta(days=7), 9))
    Visit.objects.filter(pk=last.pk).update(status="completed")
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))

    row = client_a.get(sheet_url()).context["sheet"].rows[0]

    assert row.transitions == []


def test_the_familys_priorities_in_their_words(client_a, child_a, caregiver_a, clinician_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    plan = care_factories.care_plan(child_a, caregiver_a, clinician_a)["plan"]
    CarePlan.objects.filter(pk=plan.pk).update(family_priorities="Que Sofía duerma mejor")

    page = client_a.get(sheet_url())

    assert page.context["sheet"].rows[0].priorities == "Que Sofía duerma mejor"
    assert "Que Sofía duerma mejor" in page.content.decode()


def test_a_transport_barrier_shows_in_the_familys_words(client_a, child_a, caregiver_a):
    Caregiver.objects.filter(pk=caregiver_a.pk).update(
        has_transportation_barrier=True, transportation_note="Two buses"
    )
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))

    page = client_a.get(sheet_url())

    assert "transport barrier" in page.content.decode() and "Two buses" in page.content.decode()
    assert page.context["sheet"].rows[0].first[-1] == (
        "Transport is hard for this family: confirm the ride."
    )


# --- Audit and query counts -------------------------------------------------------------------


def test_reading_the_sheet_is_a_read_of_each_childs_record(client_a, child_a, infant_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    factories.schedule_visit(infant_a, at=at(TOMORROW, 10))
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client_a.get(sheet_url())

    events = AuditEvent.objects.filter(pk__gt=since)
    assert sorted((e.action, e.object_type, e.object_id) for e in events) == sorted(
        ("view", "child", str(child.pk)) for child in (child_a, infant_a)
    )
    assert all(e.detail == {"via": "huddle_sheet", "day": "2026-11-24"} for e in events)
    assert not any("Sofía" in str(e.detail) for e in events)


def busy_day(family, caregiver, clinician, count: int) -> None:
    organization = factories.organization("Food Bank")
    for n in range(count):
        kid = factories.add_child(
            family,
            legal_given_name=f"Kid{n}",
            mrn=f"K-{n}",
            date_of_birth=TODAY - timedelta(days=60 + 40 * n),
        )
        factories.schedule_visit(kid, at=at(TOMORROW, 8 + n // 4, (n % 4) * 15))
        screen(kid, key="phq9", positive=True, next_step_pending=True)
        if n % 3 == 0:
            factories.screening_with_alert(kid, caregiver, clinician)
            factories.care_event(kid, clinician)
            factories.sent_referral(kid, caregiver, clinician, organization)


@pytest.mark.parametrize("visits", [3, 30])
def test_the_sheets_queries_do_not_grow_with_the_visits(
    client_a, family_a, caregiver_a, clinician_a, visits, django_assert_max_num_queries
):
    busy_day(family_a, caregiver_a, clinician_a, visits)

    # The login, session and base page (6), the visits and their due rows (2), one query per
    # kind of fact (11: last visits, caregivers, links, screens, alerts, referrals, hospital
    # stays, their open tasks, care plans, the family's words for the visit, the team's speakers
    # of the families' languages), one audit append
    # (7 with its savepoints), the session's update (2), the practice calendar for the next
    # clinic day (1): the same for 3 visits as for 30.
    with django_assert_max_num_queries(29):
        page = client_a.get(sheet_url())

    assert len(page.context["sheet"].rows) == visits


def test_the_today_page_links_to_the_sheet_and_its_print(client_a):
    body = client_a.get(reverse("screening:today")).content.decode()

    assert reverse("huddle:sheet") in body and reverse("huddle:pdf") in body


@pytest.mark.parametrize("role", [Role.LEGAL_PARTNER, Role.NETWORK_ANALYST])
def test_who_may_open_the_sheet_follows_chart_read(log_in, staff_a, practice_a, role):
    page = log_in(staff_a[role], practice_a).get(sheet_url())

    assert page.status_code == (200 if role == Role.LEGAL_PARTNER else 403)


def test_the_sheet_speaks_spanish(client_a, child_a, caregiver_a, clinician_a):
    factories.schedule_visit(child_a, at=at(TOMORROW, 9))
    factories.screening_with_alert(child_a, caregiver_a, clinician_a)
    client_a.post(reverse("set_language"), {"language": "es", "next": "/"})

    body = client_a.get(sheet_url()).content.decode()

    assert "Hoja de la reunión diaria" in body and "necesita intérprete" in body
    assert "Reserve un intérprete (español)." in body
    assert "PHQ-9: enviado" in body


def test_a_safety_alert_is_not_named_even_to_the_clinician(
    client_a, infant_a, caregiver_a, clinician_a
):
    factories.schedule_visit(infant_a, at=at(TOMORROW, 9))
    alert = factories.screening_with_alert(infant_a, caregiver_a, clinician_a)["alert"]
    type(alert).objects.filter(pk=alert.pk).update(kinds=["safety"])

    page = client_a.get(sheet_url())

    [shown] = page.context["sheet"].rows[0].alerts
    assert shown.summary == (
        "A clinician is needed now for this child. Make time to talk with the caregiver in private."
    )
    assert "safety" not in page.content.decode().lower()


def test_what_the_family_wrote_for_this_visit_is_on_the_sheet(
    client_a, child_a, caregiver_a, practice_a
):
    factories.schedule_visit(child_a, at=at(TOMORROW, 10))
    family = Actor(user=None, practice=practice_a, role="family_link")
    write_agenda(
        actor=family,
        child=child_a,
        caregiver=caregiver_a,
        link_id=uuid.uuid4(),
        text="Her sleep since daycare started",
        at=NOW,
    )
    # Words written before the last visit were for that visit, not this one.
    factories.schedule_visit(child_a, at=at(TODAY - timedelta(days=30), 9))
    Visit.objects.filter(starts_at__lt=NOW).update(status="completed")
    write_agenda(
        actor=family,
        child=child_a,
        caregiver=caregiver_a,
        link_id=uuid.uuid4(),
        text="Old worry about teething",
        at=NOW - timedelta(days=40),
    )

    page = client_a.get(sheet_url())

    [row] = page.context["sheet"].rows
    assert [agenda.text for agenda in row.agendas] == ["Her sleep since daycare started"]
    body = page.content.decode()
    assert "Her sleep since daycare started" in body and "Old worry" not in body
