"""The printed huddle sheet: five children a page, who printed it, audited, no names in the URL."""

from datetime import timedelta

import pytest
from django.urls import reverse

from medhome.audit.models import AuditEvent
from medhome.core import clock
from medhome.huddle import pdf
from medhome.huddle.selectors import huddle_sheet
from tests import factories
from tests.pdf_pages import page_count

from .conftest import TODAY, TOMORROW, at, screen

pytestmark = pytest.mark.django_db


def day_of(family, count: int) -> list:
    kids = []
    for n in range(count):
        kid = factories.add_child(
            family,
            legal_given_name=f"Kid{n}",
            mrn=f"K-{n}",
            date_of_birth=TODAY - timedelta(days=60 + 30 * n),
        )
        factories.schedule_visit(kid, at=at(TOMORROW, 8 + n // 4, (n % 4) * 15))
        kids.append(kid)
    return kids


def pdf_url(day=TOMORROW) -> str:
    return f"{reverse('huddle:pdf')}?day={day.isoformat()}&site=all"


@pytest.mark.parametrize(("visits", "pages"), [(0, 1), (5, 1), (10, 2), (11, 3)])
def test_five_children_a_page(client_a, family_a, visits, pages):
    day_of(family_a, visits)

    response = client_a.get(pdf_url())

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_count(response.content) == pages


def test_a_full_day_of_busy_children_still_fits_five_a_page(
    client_a, family_a, caregiver_a, clinician_a
):
    """Every fact filled in: an alert, a hospital visit, a referral, results, priorities."""
    organization = factories.organization("Food Bank")
    for kid in day_of(family_a, 10):
        screen(
            kid,
            key="ahc_hrsn",
            positive=True,
            next_step_pending=True,
            band="positive",
            positive_domains=["food", "housing", "utilities", "transportation"],
        )
        factories.screening_with_alert(kid, caregiver_a, clinician_a)
        factories.care_event(kid, clinician_a)
        factories.sent_referral(kid, caregiver_a, clinician_a, organization)

    response = client_a.get(pdf_url())

    assert page_count(response.content) == 2


def test_the_print_names_practice_site_day_and_who_printed_it(
    client_a, practice_a, family_a, clinician_a
):
    day_of(family_a, 2)
    actor = factories.actor_for(clinician_a, practice_a, "pediatrician")
    sheet = huddle_sheet(actor, TOMORROW, site=None)
    html = pdf.sheet_html(sheet, actor=actor, printed_at=clock.now())

    assert practice_a.name in html and "All sites" in html and "11/24/2026" in html
    assert "Printed by Amara Okafor at 11/23/2026 07:30" in html
    assert "<nav" not in html and "Kid0" in html


def test_the_file_name_and_url_carry_no_name(client_a, family_a):
    day_of(family_a, 1)

    response = client_a.get(pdf_url())

    assert response["Content-Disposition"] == 'inline; filename="huddle-2026-11-24.pdf"'
    assert response["Cache-Control"] == "no-store"


def test_printing_is_audited_as_a_print_of_each_childs_record(client_a, family_a):
    kids = day_of(family_a, 3)
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    client_a.get(pdf_url())

    events = AuditEvent.objects.filter(pk__gt=since)
    assert sorted((e.action, e.object_type, e.object_id) for e in events) == sorted(
        ("print", "child", str(kid.pk)) for kid in kids
    )


def test_the_front_desks_print_has_no_results(desk, family_a, practice_a, staff_a):
    [kid] = day_of(family_a, 1)
    screen(kid, key="phq9", band="moderately severe", positive=True)
    actor = factories.actor_for(staff_a["front_desk"], practice_a, "front_desk")
    html = pdf.sheet_html(
        huddle_sheet(actor, TOMORROW, site=None), actor=actor, printed_at=clock.now()
    )

    assert "Kid0" in html and "moderately severe" not in html and "PHQ-9" not in html
