"""The chart's read-only summary from the EHR (issue 15 item 6): content, the allergy states
(listed, no known allergies, not recorded), empty states, who sees it."""

from datetime import date, datetime, timedelta
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from medhome.accounts.roles import Role
from medhome.ehr.models import Allergy, Condition, Coverage, Immunization, Medication
from medhome.visits.models import Visit

pytestmark = pytest.mark.django_db
_keys = count()


def ehr(model, child, **values):
    return model.objects.create(
        practice_id=child.practice_id,
        child=child,
        source_key=f"test/{next(_keys)}",
        content_hash="0" * 32,
        imported_at=timezone.now(),
        **values,
    )


def visit(child, day: date, status="completed"):
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    return Visit.objects.create(
        practice_id=child.practice_id,
        child=child,
        starts_at=moment,
        kind="well_child",
        status=status,
        created_at=moment,
    )


def summary(client, child) -> str:
    page = client.get(reverse("families:chart", kwargs={"child_id": child.pk})).content.decode()
    start = page.find('id="ehr-summary-heading"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_the_summary_lists_what_the_ehr_sent(client_a, child_a):
    ehr(Condition, child_a, code_system="sct", code="195967001", display="Asthma")
    ehr(
        Condition,
        child_a,
        code_system="sct",
        code="1",
        display="Otitis",
        clinical_status="resolved",
    )
    ehr(Medication, child_a, display="Albuterol inhaler", dosage="2 puffs as needed")
    ehr(Medication, child_a, display="Amoxicillin", status="completed")
    ehr(Allergy, child_a, display="Peanut", criticality="high")
    for day in (date(2023, 7, 17), date(2023, 9, 18)):
        ehr(Immunization, child_a, cvx="20", display="DTaP", given_on=day)
    ehr(Immunization, child_a, cvx="08", display="Hep B", given_on=date(2023, 5, 17))
    ehr(Coverage, child_a, payer="medicaid", payer_name="MassHealth", member_id="MA-77120044")
    days = [date(2025, 1, 6) + timedelta(days=30 * n) for n in range(4)]
    for day in days:
        visit(child_a, day)
    visit(child_a, date(2025, 12, 1), status="cancelled")

    shown = summary(client_a, child_a)

    assert "From the EHR, read-only." in shown
    assert "Asthma" in shown and "Otitis" not in shown
    assert "Albuterol inhaler" in shown and "Amoxicillin" not in shown
    assert "Peanut" in shown and "No known allergies" not in shown
    assert "DTaP: 07/17/2023, 09/18/2023" in shown and "Hep B: 05/17/2023" in shown
    assert "MassHealth" in shown
    listed = [d.strftime("%m/%d/%Y") for d in days]
    assert listed[0] not in shown and all(d in shown for d in listed[1:])
    assert "12/01/2025" not in shown


def test_no_known_allergies_and_the_empty_states(client_a, child_a, family_a):
    ehr(Allergy, child_a, display="No known allergy", no_known_allergy=True)

    shown = summary(client_a, child_a)

    assert "No known allergies" in shown and "Allergies not recorded" not in shown
    for empty in (
        "No active problems recorded.",
        "No active medications recorded.",
        "No immunizations recorded.",
        "No completed visits yet.",
        "No active coverage recorded.",
    ):
        assert empty in shown
    from tests import factories

    sibling = factories.add_child(family_a, legal_given_name="Mateo", mrn="MG-1")
    assert "Allergies not recorded" in summary(client_a, sibling)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.LEGAL_PARTNER, Role.PRACTICE_ADMIN])
def test_roles_that_may_not_see_clinical_data_do_not_see_it(log_in, staff_a, child_a, role):
    ehr(Condition, child_a, code_system="sct", code="195967001", display="Asthma")

    client = log_in(staff_a[role], child_a.practice)

    assert summary(client, child_a) == ""
