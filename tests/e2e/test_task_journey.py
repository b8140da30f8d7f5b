"""Issue 14 root 9 in a real browser: a Spanish-speaking coordinator reads the follow-up task of
a hospital stay in Spanish (its sentence is built from its kind, not stored in English) and opens
the hospital visit from it."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e


def test_a_spanish_speaking_coordinator_reads_a_transition_task_and_opens_the_visit(
    browser, demo_url
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", "coordinator@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/tasks/$"))

    page.goto(f"{demo_url}/tasks/")
    page.select_option("#language-switch-select", "es")
    page.locator("form.language-switch button").click()
    page.wait_for_url(re.compile(r".*/tasks/$"))
    assert page.locator("html").get_attribute("lang") == "es"

    task = page.locator("tbody tr", has_text="Contacte a la familia dentro de 2 días hábiles")
    assert task.count() >= 1
    row = task.first.inner_text()
    assert "Contact the family" not in row and "business days" not in row
    task.first.get_by_role("link", name="Abrir la visita al hospital").click()

    page.wait_for_url(re.compile(r".*/events/[0-9a-f-]{36}/$"))
    main = page.inner_text("main")
    assert "Ingreso al hospital" in main  # the admission, discharged the day before
    assert "Transición de la atención" in main and "Started" not in main
