"""Group well-child care counts as well-child care everywhere else, through the visits it books:
the demo's story (its six babies' 2-month rows and their mothers' screens complete, W30's visit
counting sees the six group visits) and the reminders planned for a booked group visit."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from medhome.groupcare.models import Attendance, Cohort
from medhome.measures import definitions, sql
from medhome.messaging.models import Message
from medhome.messaging.services.planning import plan_visit_reminders
from medhome.periodicity.models import RowCompletion
from medhome.practices.models import Site
from medhome.synth.groupcare_demo import STORY_NAME, add_groupcare_demo
from medhome.visits.models import Visit, VisitKind

pytestmark = pytest.mark.django_db
DEMO_TODAY = date(2026, 12, 5)


@pytest.fixture
def demo(practice_a, staff_a):
    Site.objects.create(practice=practice_a, name="Main Street", zip_code="02128")
    return add_groupcare_demo(practice_a, DEMO_TODAY)


def test_the_demo_holds_the_two_month_session_of_six_spanish_speaking_families(demo, practice_a):
    cohort = Cohort.objects.get(practice=practice_a, name=STORY_NAME)
    held = cohort.sessions.get(visit_key="2mo")
    babies = [a.child for a in Attendance.objects.filter(session=held).select_related("child")]

    assert demo.startswith(STORY_NAME) and "2-month session held 2026-11-16" in demo
    assert len(babies) == 6
    assert {b.preferred_language for b in babies} == {"es"}
    assert {(b.date_of_birth.year, b.date_of_birth.month) for b in babies} == {(2026, 9)}
    assert set(Attendance.objects.filter(session=held).values_list("status", flat=True)) == {
        "attended"
    }
    done = RowCompletion.objects.filter(child__in=babies, visit_key="2mo")
    assert set(done.filter(row="preventive_visit").values_list("child_id", flat=True)) == {
        b.pk for b in babies
    }
    assert set(done.filter(row="caregiver_depression").values_list("child_id", flat=True)) == {
        b.pk for b in babies
    }
    counted = sql.well_visits(definitions.rules()).filter(child__in=babies)
    assert counted.count() == 6
    assert set(counted.values_list("kind", "day")) == {(VisitKind.GROUP, date(2026, 11, 16))}
    later = cohort.sessions.exclude(visit_key="2mo")
    assert sorted(later.values_list("visit_key", flat=True)) == ["4mo", "6mo"]
    assert Visit.objects.filter(child__in=babies, kind="group", status="scheduled").count() == 12


def test_the_demo_is_idempotent(demo, practice_a):
    again = add_groupcare_demo(practice_a, DEMO_TODAY)

    assert again.endswith("already there")
    assert Cohort.objects.filter(practice=practice_a).count() == 1


def test_a_booked_group_visit_gets_the_visit_reminders(demo, practice_a):
    visit = Visit.objects.filter(practice=practice_a, kind="group", status="scheduled").earliest(
        "starts_at"
    )
    day = visit.starts_at.astimezone(ZoneInfo("America/New_York")).date() - timedelta(days=1)

    plan_visit_reminders(
        practice=practice_a, day=day, at=datetime.combine(day, datetime.min.time(), ZoneInfo("UTC"))
    )

    assert Message.objects.filter(visit=visit, kind="visit_reminder").exists()
