"""The issue's demo, in a real browser: a coordinator sends a pre-visit link from today's list,
a parent answers it in Spanish on a small phone, and the team sees the score and the alert."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_link_answered_in_spanish_on_a_phone_reaches_the_team_with_an_alert(browser, demo_url):
    problems: list[str] = []
    staff = browser.new_page(viewport={"width": 1280, "height": 900})
    staff.on("console", lambda message: problems.append(message.text))
    staff.goto(f"{demo_url}/")
    staff.fill("#id_login", "coordinator@riverside.demo")
    staff.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    staff.click("main button[type=submit]")
    staff.wait_for_url(re.compile(r".*/tasks/$"))

    staff.goto(f"{demo_url}/screening/today/")
    infant_row = staff.locator("tbody tr", has_text="Caregiver (perinatal) depression").first
    chart_url = infant_row.locator("a").first.get_attribute("href")
    infant_row.locator("a.button", has_text="Send link").click()
    assert staff.locator("input[value='phq9:caregiver']").is_checked()
    staff.select_option("#id_language", "es")
    staff.click("main button.primary")
    link = staff.locator("code.copyable").inner_text().strip()

    phone = browser.new_context(**PHONE).new_page()
    phone.on("console", lambda message: problems.append(message.text))
    phone.goto(link)
    assert phone.locator("html").get_attribute("lang") == "es"
    phone.locator("a.button", has_text="PHQ-9").click()
    assert "Poco interés o placer en hacer cosas" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    answer = phone.locator("label.answer").first.bounding_box()
    assert answer["height"] >= 44  # a thumb-sized target
    for question in phone.locator("fieldset.question").all():
        question.locator("label.answer").first.click()
    phone.locator("fieldset#q-9 label.answer").nth(1).click()  # "Varios días"
    # Each answer is also saved as it changes (htmx marks the form while one is on its way). An
    # autosave still on its way when the answers are sent reaches a finished link and is answered
    # 410: harmless, since the submit carries every answer, but the browser logs it. A parent
    # looks over the answers before sending; this waits for the last save.
    phone.wait_for_function("() => !document.querySelector('form.screener.htmx-request')")
    phone.locator("button[value=submit]").click()
    phone.wait_for_url(re.compile(r".*/f/[^/]+/(done/)?\?lang=es$"))
    body = phone.inner_text("main")
    assert "988" in body

    staff.goto(f"{demo_url}{chart_url}")
    assert "Urgent: critical answer" in staff.inner_text("main")
    staff.locator("article.history", has_text="PHQ-9").locator("a", has_text="Open").first.click()
    result = staff.inner_text("main")
    assert "PHQ-9" in result and "96161" in result
    assert problems == []
