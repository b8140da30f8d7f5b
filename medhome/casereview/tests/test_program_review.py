"""A program's case review (DULCE's weekly review): the list of every enrolled family, and the
family's review recorded in the program's context with its case-review contacts."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.casereview.models import CaseReview, Decision
from medhome.core import clock
from medhome.programs.models import Contact
from medhome.referrals.models import Referral
from medhome.tasks.models import Task
from tests import program_factories
from tests.conftest import PHI_B

from . import helpers
from .program_setup import dulce_family, enrol_infant

pytestmark = pytest.mark.django_db


def program_url(program) -> str:
    return reverse("casereview:program", kwargs={"program_id": program.pk})


def family_url(family, program=None) -> str:
    url = reverse("casereview:family", kwargs={"family_id": family.pk})
    return f"{url}?program={program.pk}" if program else url


@pytest.fixture
def dulce(practice_a, family_a, staff_a):
    return dulce_family(practice_a, family_a, staff_a)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (CaseReview, Decision, Task, Contact))


def review_post(dulce, **overrides) -> dict:
    return {
        "held_on": clock.today().isoformat(),
        "summary": "WIC appointment made; the legal partner calls about the denial.",
        "decision-0-text": "Call WIC about the appointment",
        "decision-0-child": str(dulce.infant.pk),
        "decision-0-assignee": f"role:{Role.FAMILY_SPECIALIST}",
        "decision-0-due_on": (clock.today() + timedelta(days=3)).isoformat(),
        **overrides,
    }


# --- the program's list -----------------------------------------------------------------------


def test_the_review_lists_the_infant_with_its_open_benefits_referral(client_a, dulce, caregiver_a):
    other, _child, _caregiver = helpers.another_family(dulce.program.practice)
    helpers.missed_visit(_child, days_ago=5, now=timezone.now())  # a reason, not enrolled

    page = client_a.get(program_url(dulce.program)).content.decode()

    assert "DULCE case review" in page
    assert family_url(dulce.family, dulce.program) in page
    assert "Luna" in page and "4 months" in page and "Enrolled" in page
    assert "Review due this week" in page and "never reviewed" in page
    assert "WIC · " in page and "Referral drafted — waiting for the family&#x27;s consent" in page
    assert "legal partner's part: Referral drafted" in page
    assert "Benefits enrollment (WIC, SNAP, Medicaid/CHIP)" in page
    assert "Legal partner's part</strong> · Legal help" in page
    assert "Greater Boston Legal Services" in page
    assert family_url(other) not in page and "Nguyen" not in page


def test_the_review_shows_the_familys_reasons_and_every_open_referral(
    client_a, dulce, caregiver_a, clinician_a
):
    helpers.sent_referral(
        dulce.infant, caregiver_a, clinician_a, requested_at=timezone.now() - timedelta(days=21)
    )

    page = client_a.get(program_url(dulce.program)).content.decode()

    assert "1 referral with no response past its follow-up" in page
    assert "Food · Sent · " in page


def test_a_closed_referral_and_an_ended_enrolment_are_not_listed(client_a, dulce):
    Referral.objects.filter(pk=dulce.legal.pk).update(status="cancelled")
    page = client_a.get(program_url(dulce.program)).content.decode()
    assert "Greater Boston Legal Services" not in page
    assert "legal partner's part: Not received" in page  # the support's own status

    dulce.infant.refresh_from_db()
    from medhome.programs.models import Enrolment

    Enrolment.objects.filter(child=dulce.infant).update(status="graduated", ended_on=clock.today())
    page = client_a.get(program_url(dulce.program)).content.decode()
    assert "No family is enrolled in this program." in page


def test_a_recorded_review_is_no_longer_due_this_week(client_a, dulce):
    client_a.post(family_url(dulce.family, dulce.program), review_post(dulce))

    page = client_a.get(program_url(dulce.program)).content.decode()

    assert "Review due this week" not in page
    assert f"last reviewed {clock.today():%m/%d/%Y}" in page


def test_the_review_has_a_fixed_number_of_queries(
    client_a, practice_a, family_a, staff_a, dulce, caregiver_a, clinician_a
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_a.get(program_url(dulce.program)).status_code == 200
        return len(captured)

    queries()  # the first read makes the practice's referral settings
    one = queries()
    for index in range(4):
        family, _child, caregiver = helpers.another_family(practice_a, f"Family {index}")
        infant = enrol_infant(dulce.program, family, dulce.specialist, mrn=f"Q-{index}")
        helpers.sent_referral(
            infant, caregiver, clinician_a, requested_at=timezone.now() - timedelta(days=21)
        )
        helpers.tasks(infant, 3, at=timezone.now())
    assert queries() == one


def test_reading_the_review_is_audited_per_family_without_words(client_a, dulce):
    since = AuditEvent.objects.count()

    client_a.get(program_url(dulce.program))

    [event] = AuditEvent.objects.order_by("pk")[since:]
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "case_review_program",
        str(dulce.family.pk),
    )
    assert event.detail == {"program": str(dulce.program.pk), "children": [str(dulce.infant.pk)]}


def test_the_case_review_list_links_each_programs_review(client_a, dulce):
    program_factories.program(dulce.program.practice, "reach_out_and_read")  # nothing to review

    page = client_a.get(reverse("casereview:list")).content.decode()

    assert program_url(dulce.program) in page
    assert page.count("/case-review/programs/") == 1


# --- who reads it -----------------------------------------------------------------------------


def test_the_legal_partner_reads_the_review_but_records_nothing(
    log_in, staff_a, practice_a, dulce, caregiver_a, clinician_a
):
    food = helpers.sent_referral(
        dulce.infant, caregiver_a, clinician_a, requested_at=timezone.now() - timedelta(days=1)
    )
    safety = helpers.sent_referral(
        dulce.infant, caregiver_a, clinician_a, requested_at=timezone.now() - timedelta(days=1)
    )
    Referral.objects.filter(pk=safety.pk).update(need="safety")
    legal = log_in(staff_a[Role.LEGAL_PARTNER], practice_a)
    before = counts()

    page = legal.get(program_url(dulce.program)).content.decode()
    posted = legal.post(family_url(dulce.family, dulce.program), review_post(dulce))

    assert "Luna" in page and "Greater Boston Legal Services" in page and "Eastside WIC" in page
    assert food.organization.name not in page and safety.organization.name not in page
    assert family_url(dulce.family, dulce.program) not in page  # no recording link
    assert posted.status_code == 403
    assert counts() == before


def test_roles_without_the_capability_are_refused(log_in, staff_a, practice_a, dulce):
    for role in (Role.FRONT_DESK, Role.PRACTICE_ADMIN, Role.NETWORK_ANALYST):
        response = log_in(staff_a[role], practice_a).get(program_url(dulce.program))
        assert response.status_code == 403, role


def test_another_practices_program_is_a_404(log_in, clinician_b, practice_b, dulce, family_b):
    client_b = log_in(clinician_b, practice_b)
    before = counts()

    got = client_b.get(program_url(dulce.program))
    in_context = client_b.get(family_url(family_b, dulce.program))
    posted = client_b.post(family_url(family_b, dulce.program), {"held_on": "2026-01-02"})

    assert (got.status_code, in_context.status_code, posted.status_code) == (404, 404, 404)
    assert counts() == before


def test_a_malformed_or_unknown_program_in_context(client_a, dulce):
    url = reverse("casereview:family", kwargs={"family_id": dulce.family.pk})
    assert client_a.get(url, {"program": "not-an-id"}).status_code == 400
    assert client_a.get(url, {"program": str(uuid.uuid4())}).status_code == 404
    ror = program_factories.program(dulce.program.practice, "reach_out_and_read")
    assert client_a.get(program_url(ror)).status_code == 404


def test_the_review_never_shows_practice_b(client_a, dulce, family_b, child_b, clinician_b):
    program_b = program_factories.program(family_b.practice, "dulce")
    program_factories.program_rows(child_b, clinician_b, "dulce")

    page = client_a.get(program_url(dulce.program)).content.decode()

    assert [value for value in PHI_B if value in page] == []
    assert program_url(program_b) not in client_a.get(reverse("casereview:list")).content.decode()


def test_the_review_in_spanish(client_a, dulce):
    client_a.cookies["django_language"] = "es"

    page = client_a.get(program_url(dulce.program), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Revisión de casos de DULCE" in page
    assert "Apoyos concretos" in page


def test_a_review_contact_counts_as_the_familys_last_review(client_a, dulce):
    """The team's review is recorded per child as a contact too (and the demo's history has
    only those): the family is not shown as never reviewed."""
    reviewed_on = clock.today() - timedelta(days=2)
    Contact.objects.create(
        practice=dulce.program.practice,
        program=dulce.program,
        child=dulce.infant,
        kind="dulce_case_review",
        on=reviewed_on,
        recorded_at=clock.now(),
        staff=dulce.specialist.user,
        role=Role.FAMILY_SPECIALIST,
    )

    page = client_a.get(program_url(dulce.program)).content.decode()

    assert "never reviewed" not in page
    assert reviewed_on.strftime("%m/%d/%Y") in page
