"""The panel spreadsheet: good rows imported, bad rows refused with row number and reason, the
same file again changes nothing, caregivers deduplicated by name and phone in a household,
another practice's children untouched, and only the front desk and the admin may upload."""

import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from medhome.accounts.roles import Role
from medhome.audit.models import AuditEvent
from medhome.ehr.models import ImportKind, ImportRun
from medhome.ehr.panel_csv import COLUMNS, import_panel_csv
from medhome.families.models import Caregiver, Child, PanelMembership
from tests import factories

AT = datetime(2026, 3, 13, 15, 0, tzinfo=UTC)
HEADER = ",".join(COLUMNS)


def line(**values):
    base = {
        "mrn": "P-1",
        "given_name": "Ana",
        "family_name": "Pérez",
        "date_of_birth": "2024-02-29",
        "sex_at_birth": "female",
        "language": "es",
        "payer": "medicaid",
        "member_id": "MA-1",
        "address_line1": "1 Example Street",
        "city": "Boston",
        "state": "MA",
        "zip": "02118",
        "caregiver_given_name": "Lucía",
        "caregiver_family_name": "Pérez",
        "caregiver_relationship": "mother",
        "caregiver_phone": "+16175550100",
        "caregiver_language": "es",
        "household_id": "H-1",
    }
    base.update(values)
    return ",".join(base.get(column, "") for column in COLUMNS)


GOOD = "\n".join(
    [
        HEADER,
        line(),
        line(mrn="P-2", given_name="Beto", sex_at_birth="M", date_of_birth="2022-07-01"),
        line(
            mrn="P-3",
            given_name="Cruz",
            household_id="",
            caregiver_given_name="",
            panel_start="2025-01-01",
        ),
    ]
)


@pytest.fixture
def desk(practice_a, staff_a):
    return factories.actor_for(staff_a[Role.FRONT_DESK], practice_a, Role.FRONT_DESK)


def upload(actor, text, name="panel.csv"):
    return import_panel_csv(actor=actor, file=io.BytesIO(text.encode()), name=name, at=AT)


def test_good_file_imports_children_households_and_caregivers(desk, practice_a):
    run = upload(desk, GOOD)
    assert run.kind == ImportKind.CSV_PANEL
    assert run.counts == {"imported": 3, "updated": 0, "unchanged": 0, "refused": {}}
    ana, beto = Child.objects.get(mrn="P-1"), Child.objects.get(mrn="P-2")
    assert ana.family_id == beto.family_id  # one household
    assert (ana.payer, ana.payer_member_id, ana.preferred_language) == ("medicaid", "MA-1", "es")
    assert beto.sex_at_birth == "male"
    # Siblings list the same mother: one caregiver, not two (name + phone, same household).
    assert Caregiver.objects.filter(family=ana.family).count() == 1
    cruz = Child.objects.get(mrn="P-3")
    assert cruz.family_id != ana.family_id and not cruz.family.caregivers.exists()
    assert PanelMembership.objects.get(child=cruz).starts_on == date(2025, 1, 1)
    assert AuditEvent.objects.filter(object_type="child", object_id=str(ana.pk)).exists()


def test_same_file_again_changes_nothing(desk):
    upload(desk, GOOD)
    audit_before = AuditEvent.objects.count()
    versions = dict(Child.objects.values_list("mrn", "version"))
    run = upload(desk, GOOD)
    assert run.counts == {"imported": 0, "updated": 0, "unchanged": 3, "refused": {}}
    assert dict(Child.objects.values_list("mrn", "version")) == versions
    assert Caregiver.objects.count() == 1
    assert AuditEvent.objects.count() == audit_before


def test_changed_row_updates(desk):
    upload(desk, GOOD)
    run = upload(desk, "\n".join([HEADER, line(city="Quincy", zip="02169")]))
    assert run.counts["updated"] == 1
    assert Child.objects.get(mrn="P-1").city == "Quincy"


def test_bad_rows_are_refused_with_row_and_reason_others_imported(desk):
    text = "\n".join(
        [
            HEADER,
            line(),  # row 2
            line(mrn="P-2", date_of_birth="01/02/2024"),  # row 3
            line(mrn="P-3", sex_at_birth="x"),  # row 4
            line(mrn="P-4", date_of_birth="2099-01-01"),  # row 5
            line(mrn="P-5", given_name=""),  # row 6
            line(mrn="P-6", payer="gold"),  # row 7
            line(mrn="P-7", caregiver_phone="12"),  # row 8
        ]
    )
    run = upload(desk, text)
    problems = {p.line: p.reason for p in run.problems.all()}
    assert problems == {
        3: "A date is not in YYYY-MM-DD form.",
        4: "sex_at_birth must be female, male or unknown.",
        5: "The date of birth is in the future.",
        6: "A required column is empty.",
        7: "payer must be medicaid, chip, commercial, uninsured or other.",
        8: "caregiver_phone is not a phone number.",
    }
    assert run.counts["imported"] == 1 and sum(run.counts["refused"].values()) == 6
    # Nothing of a refused row was kept (row 8's child is rolled back with its caregiver).
    assert list(Child.objects.values_list("mrn", flat=True)) == ["P-1"]


def test_missing_column_is_refused_as_a_whole(desk):
    run = upload(desk, "mrn,given_name\nP-1,Ana\n")
    assert run.problems.get().line == 1 and not Child.objects.exists()


def test_another_practices_mrn_never_touches_its_child(desk, practice_a, child_b):
    run = upload(desk, "\n".join([HEADER, line(mrn=child_b.mrn, household_id="")]))
    assert run.counts["imported"] == 1
    child_b.refresh_from_db()
    assert child_b.legal_given_name == "Zephyrine" and child_b.version == 1
    assert Child.objects.get(practice=practice_a, mrn=child_b.mrn).legal_given_name == "Ana"


def test_upload_page_summary_in_spanish(log_in, staff_a, practice_a):
    client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
    url = reverse("ehr:panel_upload")
    assert client.get(url).status_code == 200
    template = client.get(reverse("ehr:panel_template"))
    assert template.status_code == 200 and template.content.decode().startswith("mrn,")
    bad = "\n".join([HEADER, line(), line(mrn="P-2", sex_at_birth="x")])
    response = client.post(
        url,
        {"file": io.BytesIO(bad.encode())},
        HTTP_ACCEPT_LANGUAGE="es",
        follow=True,
    )
    assert response.status_code == 200
    run = ImportRun.objects.get()
    assert run.counts["imported"] == 1
    client.cookies["django_language"] = "es"
    page = client.get(reverse("ehr:panel_run", kwargs={"run_id": run.pk})).content.decode()
    assert "Importados" in page and "sex_at_birth debe ser" in page


@pytest.mark.parametrize("role", [Role.PEDIATRICIAN, Role.CARE_COORDINATOR, Role.LEGAL_PARTNER])
def test_other_roles_cannot_upload(log_in, staff_a, practice_a, role):
    client = log_in(staff_a[role], practice_a)
    assert client.get(reverse("ehr:panel_upload")).status_code == 403
    response = client.post(reverse("ehr:panel_upload"), {"file": io.BytesIO(GOOD.encode())})
    assert response.status_code == 403 and not Child.objects.filter(mrn="P-1").exists()


def test_a_row_without_an_address_is_a_child_on_the_panel(practice_a, desk):
    run = upload(desk, "\n".join([HEADER, line(address_line1="", city="", state="", zip="")]))
    assert run.counts["imported"] == 1
    assert Child.objects.get(practice=practice_a, mrn="P-1").zip_code == ""
