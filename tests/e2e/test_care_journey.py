"""Issue 5's demo in a real browser: a hospital's ADT discharge for a demo child is on the
timeline and the coordinator has the follow-up task; the family adds a goal to the shared plan
from their phone, in Spanish, and prints the plan."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_discharge_task_timeline_and_the_familys_own_goal(browser, demo_url):
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(f"{demo_url}/accounts/login/")
    staff.fill("#id_login", "coordinator@riverside.demo")
    staff.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    staff.click("main button[type=submit]")
    staff.wait_for_url(re.compile(r".*/tasks/$"))

    staff.goto(f"{demo_url}/tasks/")
    task = staff.locator("tbody tr", has_text="Contact the family").first
    task.locator("td a").first.click()
    staff.wait_for_url(re.compile(r".*/children/[0-9a-f-]{36}/$"))
    chart_url = staff.url
    assert "Transition of care" in staff.inner_text("main")
    staff.goto(f"{chart_url}timeline/")
    assert "Hospital admission" in staff.inner_text("main")

    staff.goto(f"{chart_url}care-plan/")
    staff.locator("form", has_text="Make a link for the family").locator("select").select_option(
        index=1
    )
    staff.locator("button", has_text="Make a link for the family").click()
    link = staff.locator("input.copy-field").input_value()

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(link)
    assert phone.locator("html").get_attribute("lang") == "es"
    phone.fill("#id_text", "Leer un cuento cada noche")
    phone.locator("main button.primary").click()
    assert "Leer un cuento cada noche" in phone.inner_text("main")
    pdf_url = phone.locator("a.button").first.get_attribute("href")
    response = phone.request.get(f"{demo_url}{pdf_url}")
    assert response.ok and response.body().startswith(b"%PDF")

    staff.goto(f"{chart_url}care-plan/")
    assert "Leer un cuento cada noche" in staff.inner_text("main")
