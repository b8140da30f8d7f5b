"""Issue 18's "done when" in a real browser, at 1280 px and at 390 px: the family specialist
lands on their caseload, records a DULCE contact at a 4-month-old's visit with what the parent is
doing well; the pediatrician gives a book in Spanish (outside Reach Out and Read's ages, with the
reason); the weekly DULCE case review lists the infant with the open benefits referral; a CHW's
caseload shows whom to reach today; the Reach Out and Read figure is on the measures dashboard
by language. Recording the review's decisions as tasks is tested in
medhome/casereview/tests/test_program_recording.py."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.pages import fits, log_in

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# The demo's story infant (medhome/synth/program_demo.py): Eastside's Spanish-speaking 4-month-old
# in DULCE with a benefits referral sent and still open.
FIND_STORY = (
    "import json\n"
    "from medhome.programs.models import ConcreteSupport, Program\n"
    "s = ConcreteSupport.objects.filter(practice__name__startswith='Eastside', "
    "referral__isnull=False).exclude(referral__status__in=['draft', 'completed', 'cancelled'])"
    ".order_by('-noted_on').first()\n"
    "ids = dict(Program.objects.filter(practice=s.practice).values_list('key', 'pk'))\n"
    "print(json.dumps({'child': str(s.child_id), 'name': s.child.display_name, "
    "'dulce': str(ids['dulce']), 'ror': str(ids['reach_out_and_read'])}))"
)


@pytest.fixture(scope="module")
def story(demo_url, demo_env) -> dict:
    found = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", FIND_STORY],
        env=demo_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("width", [1280, 390])
def test_the_programs_day(browser, demo_url, story, width):
    specialist = log_in(browser, demo_url, "family.specialist@eastside.demo", width)
    assert "/programs/caseload/" in specialist.url
    specialist.goto(f"{demo_url}/children/{story['child']}/programs/{story['dulce']}/contact/")
    specialist.fill("#id_strengths", "Holds her close and talks to her through the exam")
    specialist.click("main button.primary")
    specialist.wait_for_load_state()
    assert "Contact recorded" in specialist.content()
    assert fits(specialist, width)

    pediatrician = log_in(browser, demo_url, "pediatrician@eastside.demo", width)
    pediatrician.goto(f"{demo_url}/children/{story['child']}/programs/{story['ror']}/contact/")
    pediatrician.select_option("#id_book_language", "es")
    pediatrician.fill("#id_override_reason", "Her brother reads with her every night")
    pediatrician.click("main button.primary")
    pediatrician.wait_for_load_state()
    assert "Contact recorded" in pediatrician.content()
    assert "Reach Out and Read" in pediatrician.locator("#programs").inner_text()

    coordinator = log_in(browser, demo_url, "coordinator@eastside.demo", width)
    coordinator.goto(f"{demo_url}/case-review/programs/{story['dulce']}/")
    review = coordinator.locator("main").inner_text()
    assert story["name"] in review
    assert "Benefits" in review or "SNAP" in review
    assert fits(coordinator, width)
    coordinator.goto(f"{demo_url}/measures/")
    assert "Reach Out and Read" in coordinator.locator("main").inner_text()

    chw = log_in(browser, demo_url, "chw@eastside.demo", width)
    assert "/programs/caseload/" in chw.url
    caseload = chw.locator("main").inner_text()
    assert "overdue" in caseload.lower() or "today" in caseload.lower()
    assert fits(chw, width)
