"""Issue 17 item 6 in a real browser: a nurse on a phone-width screen writes a team note that
mentions the CHW (the box suggests the handle as she types), the note appears without leaving
the chart, and the CHW reads it there. (The task's sentence and its link to the notes are
checked in medhome/notes/tests: the demo's shared task list holds 200 older tasks first.)"""

import pytest

from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e

NOTE = "Grandmother asked for a call back about the food pantry"


def test_a_mention_becomes_the_colleagues_task_and_opens_the_notes(browser, demo_url):
    nurse = log_in(browser, demo_url, "nurse@riverside.demo", width=390)
    nurse.goto(f"{demo_url}/screening/today/?site=all")
    chart = nurse.locator("table.list tbody a[href^='/children/']").first.get_attribute("href")
    nurse.goto(f"{demo_url}{chart}")

    box = nurse.locator("#team-notes textarea[name=body]")
    box.press_sequentially(f"{NOTE} @ch", delay=20)
    suggestions = nurse.locator("#team-notes .note-suggestions")
    suggestions.wait_for()
    assert "@chw" in suggestions.inner_text()
    box.press_sequentially("w")
    nurse.locator("#team-notes button", has_text="Add note").click()
    nurse.locator("#team-notes .note-list", has_text=NOTE).wait_for()
    assert nurse.url.endswith(chart)  # htmx swapped the section, the page stayed
    assert nurse.evaluate("document.documentElement.scrollWidth") <= 390

    chw = log_in(browser, demo_url, "chw@riverside.demo")
    chw.goto(f"{demo_url}{chart}#team-notes")
    notes = chw.inner_text("#team-notes")
    assert NOTE in notes and "Hannah Brooks" in notes
    assert chw.locator("#team-notes details summary", has_text="Mark entered in error").count() == 0
