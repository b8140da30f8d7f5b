"""Issue 19's "done when" in a real browser, at 1280 px and at 390 px: a group of six
Spanish-speaking families whose babies were born in September attended its 2-month session; each
baby's 2-month row and the mother's depression screen are complete and the session is a
well-child visit (W30 counts group visits: tests/test_groupcare_counts.py); a parent answers the
experience survey in Spanish on a phone and the answer is on the dashboard by language; the family
council's recommendation is answered by an improvement cycle marked on the W30 run chart; a parent
partner lands on their caseload, runs parent groups and never opens a chart."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.pages import fits, log_in

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# The demo's September babies' group at Eastside (medhome/synth/groupcare_demo.py), its
# 2-month session, and a fresh survey link for one of its mothers (shown once, as every link).
FIND_STORY = (
    "import json\n"
    "from django.utils import timezone\n"
    "from medhome.groupcare.models import Attendance, Session\n"
    "from medhome.synth.experience_demo import issue_demo_survey\n"
    "s = Session.objects.filter(practice__name__startswith='Eastside', visit_key='2mo')"
    ".select_related('cohort').first()\n"
    "a = Attendance.objects.filter(session=s).select_related('child').order_by('pk')"
    ".first()\n"
    "mother = a.child.family.caregivers.order_by('-is_primary_contact', 'pk').first()\n"
    "token = issue_demo_survey(s.practice, a.child, mother, timezone.now())\n"
    "print(json.dumps({'session': str(s.pk), 'cohort': str(s.cohort_id), "
    "'attended': Attendance.objects.filter(session=s, status='attended').count(), "
    "'token': token}))"
)


def story(demo_env) -> dict:
    found = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", FIND_STORY],
        env=demo_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("width", [1280, 390])
def test_circles_of_support(browser, demo_url, demo_env, width):
    found = story(demo_env)
    assert found["attended"] == 6

    pediatrician = log_in(browser, demo_url, "pediatrician@eastside.demo", width)
    pediatrician.goto(f"{demo_url}/group-care/sessions/{found['session']}/")
    roster = pediatrician.locator("main").inner_text()
    assert roster.count("Attended") >= 6
    assert fits(pediatrician, width)
    pediatrician.goto(f"{demo_url}/group-care/cohorts/{found['cohort']}/")
    assert "Spanish" in pediatrician.locator("main").inner_text()
    assert fits(pediatrician, width)

    # A mother answers the survey on her phone, in Spanish (her link's language).
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{demo_url}/e/{found['token']}/")
    assert phone.locator("html").get_attribute("lang") == "es"
    for question in phone.locator("fieldset.question:has(.answers)").all():
        question.locator("input[type=radio]").first.check()
    phone.fill("#comment", "Las visitas en grupo nos ayudan mucho")
    phone.click("button.primary")
    phone.wait_for_load_state()
    assert "Gracias" in phone.locator("main").inner_text()
    assert fits(phone, 390)

    pediatrician.goto(f"{demo_url}/measures/?experience_by=language#experience")
    section = pediatrician.locator("#experience").inner_text()
    assert "Spanish" in section
    run_charts = pediatrician.locator(".chart-annotations").all_inner_texts()
    assert any("Spanish group well-child visits" in text for text in run_charts)
    assert fits(pediatrician, width)

    pediatrician.goto(f"{demo_url}/improvement/")
    pediatrician.get_by_role("link", name="Spanish group well-child visits").first.click()
    pediatrician.wait_for_load_state()
    cycle = pediatrician.locator("main").inner_text()
    assert "Group visits in Spanish on weekday evenings" in cycle
    assert fits(pediatrician, width)

    partner = log_in(browser, demo_url, "parent.partner@eastside.demo", width)
    assert "/programs/caseload/" in partner.url
    partner.goto(f"{demo_url}/parent-groups/")
    assert fits(partner, width)
    assert partner.locator("main table, main ul").count() > 0
    partner.goto(f"{demo_url}/group-care/sessions/{found['session']}/")
    assert "Attended" not in partner.locator("body").inner_text()
