"""The issue's "done when", in a real browser: a coordinator books a visit at a time the family
marked as good, and the front desk marks the child arrived on the site's day."""

import re

import pytest

from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_a_coordinator_books_a_good_time_and_the_front_desk_checks_in(browser, demo_url):
    staff = log_in(browser, demo_url, "coordinator@riverside.demo")
    staff.goto(f"{demo_url}/screening/today/?site=all")
    charts = staff.locator("table.list tbody a[href^='/children/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    booked_for = None
    for chart in charts:
        staff.goto(f"{demo_url}{chart}visits/book/")
        good = staff.locator("#slots ul.slots").first.locator("button.primary")
        if good.count():
            assert "fits the times the family marked as good" in staff.inner_text("#slots")
            when = good.first.locator(".slot-time").inner_text()
            good.first.click()
            staff.wait_for_url(re.compile(r".*/children/[0-9a-f-]+/$"))
            booked_for = chart
            break
    assert booked_for is not None, "no child on today's list has a good time marked"
    assert "Visit booked for" in staff.inner_text("main")
    assert when.split()[-1] in staff.inner_text("section.visits")

    desk = log_in(browser, demo_url, "frontdesk@riverside.demo", width=390)
    desk.goto(f"{demo_url}/screening/today/?site=all")
    assert desk.evaluate("document.documentElement.scrollWidth") <= 390
    row = desk.locator("table.list tbody tr", has=desk.locator("button", has_text="Arrived")).first
    row.locator("button", has_text="Arrived").click()
    desk.wait_for_load_state()
    assert "Marked as arrived." in desk.inner_text("main")
