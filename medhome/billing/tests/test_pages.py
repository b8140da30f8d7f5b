"""The visit's billing summary and the day's CSV: access, audit, content, query counts."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import Action, AuditEvent
from medhome.events import services as events
from medhome.families.models import Child
from medhome.screening.models import Administration
from medhome.tasks import selectors as task_selectors
from medhome.tasks import services as tasks
from medhome.tasks.models import TaskOutcome
from medhome.visits.models import Visit
from tests import factories

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/New_York")
DAY = date(2026, 3, 10)  # a Tuesday


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def visit(child: Child, *, day: date = DAY, hour: int = 10, **extra) -> Visit:
    values = {"kind": "well_child", "status": "completed"} | extra
    return Visit.objects.create(
        practice=child.practice,
        child=child,
        starts_at=at(day, hour),
        created_at=timezone.now(),
        **values,
    )


def scored(child: Child, key: str, respondent: str = "caregiver", **extra) -> Administration:
    values = {
        "practice": child.practice,
        "child": child,
        "instrument_key": key,
        "instrument_version": "1",
        "mode": "tablet",
        "respondent": respondent,
        "language": "en",
        "status": "scored",
        "started_at": at(DAY, 9),
        "updated_at": at(DAY, 9),
        "submitted_at": at(DAY, 9),
        "administered_on": DAY,
    } | extra
    return Administration.objects.create(**values)


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def csv_url(day: date = DAY, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"day": day.isoformat(), **params}.items())
    return f"{reverse('billing:day')}?{query}"


def test_summary_shows_codes_with_units_and_reasons(client_a, child_a):
    seen = visit(child_a, day=DAY - timedelta(days=200))
    today = visit(child_a)
    scored(child_a, "mchat_r")
    scored(child_a, "swyc_milestones_24")
    scored(child_a, "epds")

    response = client_a.get(reverse("billing:visit", kwargs={"visit_id": today.pk}))

    assert response.status_code == 200
    lines = {line.code: line for line in response.context["summary"].lines}
    assert (lines["96110"].units, lines["96161"].units) == (2, 1)
    assert lines["99392"].units == 1  # established (a visit 200 days before), 2 years old
    assert "M-CHAT-R" in lines["96110"].why
    assert seen.pk not in (line.code for line in lines.values())
    page = response.content.decode()
    assert "96110" in page and "× 2" in page


def test_another_practices_visit_is_404(client_a, child_b):
    theirs = visit(child_b)

    response = client_a.get(reverse("billing:visit", kwargs={"visit_id": theirs.pk}))

    assert response.status_code == 404


def test_the_summary_is_an_audited_read_of_the_childs_record(client_a, child_a, clinician_a):
    today = visit(child_a)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client_a.get(reverse("billing:visit", kwargs={"visit_id": today.pk}))

    [event] = AuditEvent.objects.filter(pk__gt=since)
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        Action.VIEW,
        "child",
        str(child_a.pk),
        clinician_a.pk,
    )
    assert event.detail == {"billing_visit": str(today.pk)}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PRACTICE_ADMIN, 200),
        (Role.CARE_COORDINATOR, 200),
        (Role.NURSE_PRACTITIONER, 200),
        (Role.FRONT_DESK, 403),
        (Role.NURSE, 403),
        (Role.COMMUNITY_HEALTH_WORKER, 403),
    ],
)
def test_who_may_open_billing(log_in, staff_a, practice_a, child_a, role, status):
    today = visit(child_a)
    client = log_in(staff_a[role], practice_a)

    assert client.get(reverse("billing:visit", kwargs={"visit_id": today.pk})).status_code == status
    assert client.get(csv_url()).status_code == status


def test_admin_sees_the_confidential_flag_but_not_the_instrument_or_social_z_codes(
    log_in, staff_a, practice_a, child_a
):
    Child.objects.filter(pk=child_a.pk).update(date_of_birth=date(2012, 1, 5))
    visit(child_a, kind="follow_up")
    scored(child_a, "phqa", "adolescent", confidential=True, positive=True)
    scored(child_a, "hvs", positive=True, positive_domains=["food"])
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    coordinator = log_in(staff_a[Role.CARE_COORDINATOR], practice_a)

    for_admin = {row["code"]: row for row in rows_of(admin.get(csv_url()))}
    for_coordinator = {row["code"]: row for row in rows_of(coordinator.get(csv_url()))}

    assert for_admin["96127"]["confidential"] == "yes"
    assert "PHQ-A" not in for_admin["96127"]["why"]
    assert "Z59.41" not in for_admin
    assert "PHQ-A" in for_coordinator["96127"]["why"]
    assert for_coordinator["Z59.41"]["status"] == "suggested"


def test_day_csv_has_one_row_per_visit_and_code(client_a, child_a, family_a):
    sibling = factories.add_child(family_a, mrn="SG-100999", date_of_birth=date(2025, 9, 1))
    first = visit(child_a, hour=9)
    second = visit(sibling, hour=11, kind="sick")
    visit(sibling, hour=15, status="cancelled")
    visit(child_a, day=DAY + timedelta(days=1))
    scored(child_a, "mchat_r")
    scored(child_a, "swyc_posi")

    response = client_a.get(csv_url())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert list(rows[0]) == [
        "visit_id",
        "mrn",
        "date",
        "code_system",
        "code",
        "units",
        "label",
        "status",
        "confidential",
        "why",
    ]
    assert {row["visit_id"] for row in rows} == {str(first.pk)}  # the sick visit: no codes
    by_code = {row["code"]: row for row in rows}
    assert by_code["96110"] | {"why": ""} == {
        "visit_id": str(first.pk),
        "mrn": child_a.mrn,
        "date": "2026-03-10",
        "code_system": "CPT",
        "code": "96110",
        "units": "2",
        "label": "Developmental screening, per instrument",
        "status": "supported",
        "confidential": "",
        "why": "",
    }
    assert by_code["Z13.41"]["units"] == ""
    assert str(second.pk) not in response.content.decode()


def test_day_csv_audits_an_export_per_child(client_a, child_a, family_a):
    sibling = factories.add_child(family_a, mrn="SG-100999", date_of_birth=date(2025, 9, 1))
    visit(child_a)
    visit(sibling)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client_a.get(csv_url())

    events_ = AuditEvent.objects.filter(pk__gt=since)
    assert {(e.action, e.object_type, e.object_id) for e in events_} == {
        (Action.EXPORT, "child", str(child_a.pk)),
        (Action.EXPORT, "child", str(sibling.pk)),
    }


def test_day_csv_neutralises_formulas(client_a, child_a):
    Child.objects.filter(pk=child_a.pk).update(mrn="=HYPERLINK(1)")
    visit(child_a)

    [row, *_] = rows_of(client_a.get(csv_url()))

    assert row["mrn"] == "'=HYPERLINK(1)"


def test_day_csv_of_one_site_keeps_telehealth(client_a, child_a, practice_a):
    from medhome.practices.models import Site

    north = Site.objects.create(practice=practice_a, name="North")
    south = Site.objects.create(practice=practice_a, name="South")
    at_north = visit(child_a, hour=9, site=north)
    visit(child_a, hour=10, site=south)
    video = visit(child_a, hour=11, modality="video")

    rows = rows_of(client_a.get(csv_url(site=north.pk)))

    assert {row["visit_id"] for row in rows} == {str(at_north.pk), str(video.pk)}


def test_day_csv_refuses_a_bad_day_and_another_practices_site(client_a, practice_b):
    from medhome.practices.models import Site

    theirs = Site.objects.create(practice=practice_b, name="Theirs")

    bad_day = client_a.get(csv_url().replace("2026-03-10", "10/03/2026"))
    bad_site = client_a.get(csv_url(site="not-an-id"))
    their_site = client_a.get(csv_url(site=theirs.pk))

    assert bad_day.status_code == 400
    assert "YYYY-MM-DD" in bad_day.content.decode()
    assert bad_site.status_code == 400
    assert their_site.status_code == 404


def test_day_csv_query_count_does_not_grow_with_visits(
    client_a, child_a, family_a, clinician_a, practice_a, django_assert_max_num_queries
):
    visit(child_a)
    scored(child_a, "mchat_r")
    client_a.get(csv_url())  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        client_a.get(csv_url())
    for n in range(6):
        child = factories.add_child(family_a, mrn=f"SG-2000{n}", date_of_birth=date(2024, 1, 1))
        visit(child, hour=11)
        scored(child, "mchat_r")
        scored(child, "epds")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client_a.get(csv_url())
    assert len({row["visit_id"] for row in rows_of(response)}) == 7


def discharge_with_its_task(actor, child):
    """A Friday discharge and the transition follow-up task it opens."""
    discharged = at(date(2026, 3, 6), 15)
    event = events.record_event(
        actor=actor,
        child=child,
        kind="discharge",
        started_at=at(date(2026, 3, 2)),
        ended_at=discharged,
        at=discharged,
    )
    [task] = [
        t for t in task_selectors.tasks_of_child(actor, child) if t.source_id == str(event.pk)
    ]
    return task


@pytest.mark.parametrize(
    ("closed_on", "outcome", "supported"),
    [
        (date(2026, 3, 10), None, True),  # Tuesday: 2 business days after a Friday discharge
        (date(2026, 3, 10), TaskOutcome.FAMILY_REACHED, True),
        (date(2026, 3, 11), None, False),  # a day late
        (date(2026, 3, 10), TaskOutcome.FAMILY_NOT_REACHED, False),  # done, but no contact
        (date(2026, 3, 10), TaskOutcome.HANDED_OFF, False),
    ],
)
def test_transitional_care_needs_the_follow_up_task_closed_in_time_with_the_family_reached(
    client_a, child_a, clinician_a, practice_a, closed_on, outcome, supported
):
    actor = factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)
    task = discharge_with_its_task(actor, child_a)
    tasks.close(actor=actor, task=task, note="Called", outcome=outcome, at=at(closed_on, 9))
    today = visit(child_a, kind="follow_up", day=date(2026, 3, 12))

    response = client_a.get(reverse("billing:visit", kwargs={"visit_id": today.pk}))

    codes = {line.code: line for line in response.context["summary"].lines}
    assert ({"99495", "99496"} <= set(codes)) is supported
    assert not supported or "two-way" in codes["99495"].why
    assert supported or not {"99495", "99496"} & set(codes)


def test_an_ed_visit_never_starts_transitional_care(client_a, child_a, clinician_a, practice_a):
    actor = factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)
    event = events.record_event(
        actor=actor,
        child=child_a,
        kind="emergency",
        started_at=at(date(2026, 3, 9)),
        ended_at=at(date(2026, 3, 9), 14),
        at=at(date(2026, 3, 9), 14),
    )
    [task] = [
        t for t in task_selectors.tasks_of_child(actor, child_a) if t.source_id == str(event.pk)
    ]
    tasks.close(actor=actor, task=task, note="Reached", at=at(date(2026, 3, 9), 16))
    today = visit(child_a, kind="follow_up", day=date(2026, 3, 11))

    response = client_a.get(reverse("billing:visit", kwargs={"visit_id": today.pk}))

    assert not {"99495", "99496"} & {line.code for line in response.context["summary"].lines}


def test_the_charts_visits_link_to_the_billing_summary(client_a, child_a):
    done = visit(child_a)
    booked = visit(child_a, day=DAY + timedelta(days=30), status="scheduled")

    page = client_a.get(reverse("families:chart", kwargs={"child_id": child_a.pk})).content.decode()

    assert reverse("billing:visit", kwargs={"visit_id": done.pk}) in page
    assert reverse("billing:visit", kwargs={"visit_id": booked.pk}) not in page


def test_a_check_in_call_that_reached_the_family_is_the_tcm_contact(
    client_a, child_a, caregiver_a, clinician_a, practice_a
):
    from medhome.messaging.models import Message

    actor = factories.actor_for(clinician_a, practice_a, Role.PEDIATRICIAN)
    discharged = at(date(2026, 3, 6), 15)  # Friday; the task stays open
    event = events.record_event(
        actor=actor,
        child=child_a,
        kind="discharge",
        started_at=at(date(2026, 3, 2)),
        ended_at=discharged,
        at=discharged,
    )
    Message.objects.create(
        practice=practice_a,
        caregiver=caregiver_a,
        child=child_a,
        kind="discharge_check_in",
        channel="text",
        to_address="+16175550100",
        language="en",
        subject_id=str(event.pk),
        idempotency_key=f"discharge_check_in:{event.pk}",
        status="called",
        send_after=at(date(2026, 3, 9), 10),
        created_at=discharged,
        updated_at=at(date(2026, 3, 9), 11),
        call_outcome="reached",
        called_by=clinician_a,
        called_at=at(date(2026, 3, 9), 11),
    )
    today = visit(child_a, kind="follow_up", day=date(2026, 3, 20))  # 14 days after

    response = client_a.get(reverse("billing:visit", kwargs={"visit_id": today.pk}))

    codes = {line.code: line for line in response.context["summary"].lines}
    assert "99495" in codes and "99496" not in codes
    assert "by phone" in codes["99495"].why
