"""Every CSV medhome writes neutralises cells that a spreadsheet would run as a formula
(security catalogue, item 12; issue 14)."""

import csv
import io
from datetime import date

import pytest
import time_machine

from medhome.accounts.roles import Role
from medhome.core import spreadsheet
from medhome.measures.tests.helpers import child

PAYLOADS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_are_written_as_text(payload):
    out = io.StringIO()
    spreadsheet.writer(out).writerow([payload, "plain", 3])
    cell = next(csv.reader(io.StringIO(out.getvalue())))[0]
    assert cell == "'" + payload
    assert spreadsheet.restore(cell) == payload


@pytest.mark.parametrize("number", ["-71.0589", "+3", "-0.5", "12", "1e-3", "-"])
def test_numbers_stay_numbers(number):
    expected = number if number != "-" else "'-"
    assert spreadsheet.neutralise(number) == expected


def test_restore_leaves_an_ordinary_apostrophe():
    assert spreadsheet.restore("'tis the season") == "'tis the season"


@pytest.mark.django_db
def test_measures_export_neutralises_a_staff_name(log_in, staff_a, practice_a, registered_a):
    clinician = staff_a[Role.PEDIATRICIAN]
    clinician.first_name, clinician.last_name = '=HYPERLINK("http://evil.example","x")', "+1+1"
    clinician.save()
    with time_machine.travel("2026-11-15 12:00:00+00:00", tick=False):
        kid = child(registered_a[0], date(2024, 3, 10))
        kid.primary_clinician = clinician
        kid.save()
        client = log_in(staff_a[Role.PRACTICE_ADMIN], practice_a)
        responses = [
            client.get(f"/measures/export.csv?period=2026&measure=dev_2&use={use}")
            for use in ("internal", "shared")
        ]
    rows = [
        row
        for response in responses
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    ]
    groups = {row["group"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example","x") +1+1' in groups
    assert not any(value.startswith(spreadsheet.TRIGGERS) for row in rows for value in row.values())
