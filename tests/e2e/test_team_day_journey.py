"""Issue 17's "done when" in a real browser, at 1280 px and at 390 px: the coordinator lands on
My tasks, prints tomorrow's huddle sheet (five children a page), opens the toddler whose
M-CHAT-R/F is at high risk and finds Early Intervention and audiology proposed (audiology
declined with its reason), refers to Early Intervention and reaches the consent step (nothing is
sent without it), and finds a family with a stuck referral on the case-review list; a clinician
declines a step and the reason stays with it."""

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.pages import fits, log_in
from tests.pdf_pages import page_count

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# The demo's story (medhome/synth/positive_screens.py): one toddler per practice.
FIND_TODDLER = (
    "from medhome.nextsteps.models import PositiveScreen\n"
    "screen = PositiveScreen.objects.filter(practice__name__startswith='Riverside', "
    "steps__key='audiology', steps__status='declined', "
    "steps__decline_reason__startswith='Full audiology evaluation last month').first()\n"
    "print(screen.child_id)"
)
# The story's own list of steps: the toddler may also have an older positive screen (the demo's
# history is random per load) whose steps carry the same labels.
STORY_STEPS = "ol.next-steps:has-text('Full audiology evaluation last month')"
DECLINE = "Family prefers to wait for the Early Intervention evaluation first"


@pytest.fixture(scope="module")
def toddler(demo_url, demo_env) -> str:
    found = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", FIND_TODDLER],
        env=demo_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return found.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coordinators_day(browser, demo_url, toddler, width):
    page = log_in(browser, demo_url, "coordinator@riverside.demo", width)
    page.wait_for_url(re.compile(r".*/tasks/$"))
    assert page.locator("h1", has_text="My tasks").count() == 1
    assert fits(page, width)

    # Tomorrow's huddle sheet, then its print: one page per five children.
    page.goto(f"{demo_url}/huddle/?site=all")
    page.get_by_role("link", name=re.compile(r"^Next clinic day")).click()
    page.wait_for_url(re.compile(r".*/huddle/\?day=\d{4}-\d{2}-\d{2}"))
    children = page.locator("#huddle-sheet article.huddle-child").count()
    assert fits(page, width)
    pdf_link = page.get_by_role("link", name="Print (PDF)")
    pdf = page.request.get(f"{demo_url}{pdf_link.get_attribute('href')}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert page_count(pdf.body()) == max(1, math.ceil(children / 5))

    # The toddler's positive M-CHAT-R/F: Early Intervention and audiology proposed.
    page.goto(f"{demo_url}/children/{toddler}/")
    steps = page.locator("section[aria-labelledby=chart-next-steps-heading]")
    text = steps.inner_text()
    assert "Refer to Early Intervention (Part C)" in text
    assert "Arrange a hearing (audiology) evaluation" in text
    assert "Full audiology evaluation last month" in text  # the declined step's reason
    assert fits(page, width)
    story = steps.locator(STORY_STEPS)
    early = story.locator("li", has_text="Refer to Early Intervention (Part C)")
    refer = early.get_by_role("button", name="Refer (asks for consent)")
    if refer.count():
        refer.click()
        page.wait_for_url(re.compile(r".*/referrals/[0-9a-f-]{36}/consent/$"))
        assert "consent" in page.inner_text("main").lower()
    else:
        # Referred on the other width's pass: it waits for consent; nothing was sent.
        assert "Open the referral" in early.inner_text()

    # The case review finds a family whose referral has had no answer past its follow-up.
    page.goto(f"{demo_url}/case-review/?reason=stuck_referrals")
    listed = page.inner_text("main")
    assert re.search(r"referrals? with no response past", listed)
    assert fits(page, width)


def test_a_clinician_declines_a_step_with_its_reason(browser, demo_url, toddler):
    page = log_in(browser, demo_url, "pediatrician@riverside.demo", 390)
    page.goto(f"{demo_url}/children/{toddler}/")
    steps = page.locator("section[aria-labelledby=chart-next-steps-heading]")
    story = steps.locator(STORY_STEPS)
    step = story.locator("li", has_text="Refer for a diagnostic (developmental) evaluation")
    step.locator("summary", has_text="Decline this step").click()
    step.locator("textarea[name=reason]").fill(DECLINE)
    step.get_by_role("button", name="Decline", exact=True).click()
    page.wait_for_load_state()
    page.goto(f"{demo_url}/children/{toddler}/")
    declined = page.locator(STORY_STEPS).locator(
        "li", has_text="Refer for a diagnostic (developmental) evaluation"
    )
    assert DECLINE in declined.inner_text()
    assert fits(page, 390)
