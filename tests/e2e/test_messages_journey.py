"""Issue 16 in a real browser: the coordinator walks the outbox of the demo's visit reminders.

The demo server runs no worker, so the test runs the worker's sweep itself
(`manage.py plan_visit_reminders`, on the server's database): the reminders of the visits booked
one and three days ahead, among them one it books for a Spanish-speaking family whose caregiver
screen is due (messages_setup.py), so a Spanish reminder with its pre-visit link is there
whatever the day. It reads them as the family's phone shows them (numbers masked, the
family link's code never shown), opens the message texts, reads a Spanish-speaking family's
reminder with its pre-visit link in Spanish, and reads the outbox on a 390 px phone.
Screenshots of the outbox (1280 and 390 px) go to $MEDHOME_E2E_SCREENSHOTS when it is set.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import ROOT

pytestmark = pytest.mark.e2e
# The stored body's stand-in for a family link's code (messaging.services.common.TOKEN_MASK).
MASKED_CODE = "x" * 43


def _login(browser, demo_url: str, width: int, height: int):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", "coordinator@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/tasks/$"))
    return page


def _shot(page, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("MEDHOME_E2E_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.fixture(scope="module")
def planned(demo_url, demo_env) -> str:
    """A Spanish-speaking family whose caregiver screen is due booked three days ahead
    (messages_setup.py), then the worker's hourly sweep, run once on the demo's database."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "shell",
            "-c",
            "from tests.e2e.messages_setup import run; run()",
        ],
        env=demo_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "plan_visit_reminders"],
        env=demo_env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert re.search(r"planned \d+ reminders", done.stdout)
    return demo_url


def test_the_coordinator_reads_the_reminders_as_the_family_phone_shows_them(
    browser, planned, tmp_path
):
    page = _login(browser, planned, 1280, 900)
    page.goto(f"{planned}/messages/")
    assert page.locator("h1").inner_text() == "Messages to families"
    rows = page.locator("table.outbox tbody tr")
    assert rows.count() >= 1
    assert "No messages yet." not in rows.first.inner_text()
    bubbles = page.locator("table.outbox .phone-bubble").all_inner_texts()
    reminders = [
        b for b in bubbles if "reminder of your child's visit" in b or "le recordamos" in b
    ]
    assert reminders, bubbles[:3]
    # The family link's code is shown to the family once and never kept: a stored link shows
    # the mask, never a code.
    links = [b for b in reminders if "/f/" in b]
    assert all(MASKED_CODE in b for b in links)
    # Numbers are masked to their last four digits.
    to = page.locator("table.outbox tbody tr td:nth-child(2)").all_inner_texts()
    assert not any(re.search(r"\+1\d{10}", cell) for cell in to)
    _shot(page, "messages-1280.png", tmp_path)

    page.get_by_role("link", name="See every message text").click()
    page.wait_for_url(re.compile(r".*/messages/templates/$"))
    main = page.inner_text("main")
    assert "Antes de la visita, conteste unas preguntas" in main
    assert "Before the visit, please answer a few questions" in main


def test_a_spanish_speaking_family_reminder_with_its_pre_visit_link_is_in_spanish(browser, planned):
    page = _login(browser, planned, 1280, 900)
    page.goto(f"{planned}/messages/")
    spanish = page.locator(
        "table.outbox tbody tr", has=page.locator("td", has_text=re.compile(r"^Spanish$"))
    )
    texts = [t for t in spanish.locator(".phone-bubble").all_inner_texts() if "/f/" in t]
    assert texts  # at least the family messages_setup booked
    for text in texts:
        assert "le recordamos la visita de su hijo/a el" in text
        assert "Antes de la visita, conteste unas preguntas" in text
        assert "Responda STOP" in text
        assert "reminder" not in text and "Reply STOP" not in text


def test_the_outbox_reads_on_a_phone(browser, planned, tmp_path):
    page = _login(browser, planned, 390, 844)
    page.goto(f"{planned}/messages/")
    bubble = page.locator("table.outbox .phone-bubble").first
    assert bubble.is_visible()
    # The stacked table fits the screen: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = bubble.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    _shot(page, "messages-390.png", tmp_path)
