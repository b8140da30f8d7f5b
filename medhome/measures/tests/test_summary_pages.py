"""The measures pages read the summary table: a few queries whatever the measures and months,
the practice's own rows only, when they were computed, and "Recompute now" for those who hold
the measures (queued for the worker, audited)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.jobs.models import JobRun
from medhome.measures import services
from medhome.measures.models import MeasureFigure, MeasureRefresh
from medhome.practices.models import MeasuresRefresh

from .helpers import child, screen

NOW = "2026-11-15 12:00:00+00:00"
TODAY = date(2026, 11, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dev_children(registered_a, registered_b):
    """Practice A: 3 children turning 2 in 2026, one screened; practice B: 12, all screened."""
    a = [child(registered_a[0], date(2024, m, 10), preferred_language="es") for m in (2, 3, 4)]
    screen(a[0], date(2025, 12, 1))
    for day in range(1, 13):
        screen(
            child(registered_b[0], date(2024, 5, day), preferred_language="vi"), date(2026, 1, 5)
        )
    return a


def compute(practice, *keys):
    services.recompute(practice, at=timezone.now(), today=TODAY, keys=list(keys))


@pytest.mark.django_db
def test_without_figures_the_pages_say_so_and_offer_the_recompute(
    log_in, staff_a, practice_a, dev_children
):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    for url in ("/measures/", "/measures/dev_2/"):
        body = client.get(url).content.decode()
        assert "The figures for this period have not been computed yet." in body
        assert 'action="/measures/recompute/"' in body and "Recompute now" in body


@pytest.mark.django_db
def test_the_pages_show_the_figures_and_when_they_were_computed(
    log_in, staff_a, practice_a, practice_b, dev_children
):
    compute(practice_a, "dev_2", "dev", "w30_1", "w30_2")
    compute(practice_b, "dev_2")
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    detail = client.get("/measures/dev_2/?period=2026&by=language")
    dashboard = client.get("/measures/?period=2026").content.decode()

    body = detail.content.decode()
    assert "1 of 3" in body
    # 11/15/2026 12:00 UTC is 07:00 in the practice's time (America/New_York).
    assert "Figures computed at 11/15/2026 07:00" in body
    bars = detail.context["bars"]["rows"]
    # The practice's own strata only: practice B's twelve Vietnamese-speaking children are not
    # read here.
    assert [bar["label"] for bar in bars] == ["All children (1/3)", "Spanish (1/3)"]
    assert "Vietnamese" not in body
    assert "Figures computed at" in dashboard
    assert "DEV-CH" in dashboard


@pytest.mark.django_db
def test_the_stamp_is_the_shown_figures_own(log_in, staff_a, practice_a, dev_children):
    """A read replica a little behind serves the previous figures while the refresh row (read
    on the primary) already names the newer computation: the page stamps what it shows."""
    compute(practice_a, "dev_2")
    later = timezone.now() + timedelta(hours=2)
    MeasureRefresh.objects.filter(practice=practice_a).update(computed_at=later)
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    for url in ("/measures/?period=2026", "/measures/dev_2/?period=2026"):
        body = client.get(url).content.decode()
        assert "Figures computed at 11/15/2026 07:00" in body, url
    MeasureFigure.objects.filter(practice=practice_a).update(computed_at=later)
    assert "Figures computed at 11/15/2026 09:00" in client.get("/measures/").content.decode()


@pytest.mark.django_db
def test_the_dashboard_reads_a_few_queries_whatever_the_measures_and_months(
    log_in, staff_a, practice_a, dev_children, django_assert_max_num_queries
):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    compute(practice_a, "dev_2")
    client.get("/measures/")  # the session's first page loads what every page then reuses

    def count(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = (count("/measures/"), count("/measures/dev/?by=race_ethnicity_any"))
    rows = MeasureFigure.objects.filter(practice=practice_a).count()
    compute(practice_a, "dev_2", "dev", "w30_1", "w30_2", "prog_ror_books")
    assert MeasureFigure.objects.filter(practice=practice_a).count() > 2 * rows
    many = (count("/measures/"), count("/measures/dev/?by=race_ethnicity_any"))

    assert many == few
    # Session, user and membership, the summary's two reads, the run charts' marks, programs and
    # family experience: a fixed handful (the engine made 129).
    with django_assert_max_num_queries(25):
        client.get("/measures/")
    with django_assert_max_num_queries(15):
        client.get("/measures/w30_1/?by=site")


@pytest.mark.django_db
def test_recompute_now_is_queued_for_the_worker_and_audited(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    response = client.post(reverse("measures:recompute"), {"measure": "dev", "period": "2026"})
    again = client.post(reverse("measures:recompute"), {})

    assert response.status_code == 302 and response["Location"] == "/measures/dev/?period=2026"
    assert again["Location"] == "/measures/"
    refresh = MeasureRefresh.objects.get(practice=practice_a)
    assert refresh.requested_at == timezone.now()
    # One run of the frequent sweep enqueued now, not one per click.
    assert JobRun.objects.filter(job=services.REFRESH_JOB).count() == 1
    assert AuditEvent.objects.filter(object_type=services.REQUEST_OBJECT).count() == 2
    page = client.get("/measures/").content.decode()
    assert "A recompute is queued" in page and "Recompute now" not in page
    assert [p.pk for p in services.due_for_refresh()] == [practice_a.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.NURSE, Role.FRONT_DESK, Role.NETWORK_ANALYST], ids=str)
def test_recompute_is_refused_without_the_measures(log_in, staff_a, practice_a, role):
    client = log_in(staff_a[role], practice_a)

    assert client.post(reverse("measures:recompute"), {}).status_code == 403
    assert not MeasureRefresh.objects.exists() and not JobRun.objects.exists()


@pytest.mark.django_db
def test_recompute_refuses_an_unknown_measure(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)

    assert client.post(reverse("measures:recompute"), {"measure": "nope"}).status_code == 404
    assert not MeasureRefresh.objects.exists()


@pytest.mark.django_db
def test_the_practice_admin_chooses_when_the_measures_are_computed(log_in, staff_a, practice_a):
    admin = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    nurse = log_in(staff_a[Role.NURSE], practice_a)
    url = reverse("staff:measures_refresh")

    assert nurse.post(url, {"measures_refresh": "on_change"}).status_code == 403
    assert admin.post(url, {"measures_refresh": "hourly"}).status_code == 400
    assert admin.post(url, {"measures_refresh": "on_change"}).status_code == 302

    practice_a.refresh_from_db()
    assert practice_a.measures_refresh == MeasuresRefresh.ON_CHANGE
    event = AuditEvent.objects.get(object_type="practice_measures_refresh")
    assert event.detail == {"measures_refresh": "on_change"}
    assert "checked" in admin.get(url).content.decode()
