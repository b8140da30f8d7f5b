"""Issue 4's demo in a real browser: a positive food-insecurity screen leads to a referral to a
food bank with the family's consent; the food bank's user accepts and completes it in their own
view; the practice sees the loop closed and its figures."""

import re

import pytest

from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_food_screen_to_food_bank_and_back(browser, demo_url):
    staff = log_in(browser, demo_url, "coordinator@riverside.demo")
    staff.goto(f"{demo_url}/screening/today/")
    staff.locator("tbody tr a").first.click()
    staff.wait_for_url(re.compile(r".*/children/[0-9a-f-]{36}/$"))
    chart_url = staff.url

    # A Hunger Vital Sign on the clinic tablet: "sometimes true" is a positive screen.
    staff.select_option("select[name=instrument]", "hvs:caregiver")
    staff.fill("input[name=override_reason]", "Family mentioned running out of food")
    staff.click("form.start-form button")
    staff.locator("fieldset#q-1 label.answer", has_text="Sometimes true").click()
    staff.locator("fieldset#q-2 label.answer", has_text="Never true").click()
    staff.click("button[value=submit]")
    staff.goto(chart_url)
    staff.locator("article.history", has_text="Hunger Vital Sign").locator(
        "a", has_text="Open"
    ).first.click()
    staff.locator("main a.button", has_text="Refer to a community organization").click()

    assert "Suggested by a positive screen" in staff.inner_text("main")
    staff.locator("label.service-hit", has_text="Ocean State Food Bank Pantry").click()
    staff.fill("#id_reason", "Ran out of food twice this month; two young children.")
    staff.click("main button.primary")
    staff.check("input[name=shared_items][value=notes]")
    staff.fill("#id_notes_to_share", "Best reached after 5 pm, in Spanish or English.")
    staff.select_option("#id_method", "verbal")
    staff.click("main button.primary")
    staff.wait_for_url(re.compile(r".*/referrals/[0-9a-f-]{36}/$"))
    referral_url = staff.url
    assert "Sent" in staff.inner_text("main")

    food_bank = log_in(browser, demo_url, "pantry@oceanstate.demo")
    assert "/partner/referrals/" in food_bank.url
    food_bank.locator("tbody a").first.click()
    body = food_bank.inner_text("main")
    assert "Best reached after 5 pm" in body
    assert "Hunger Vital Sign" not in body and "positive" not in body.lower()
    food_bank.select_option("#id_to_status", "accepted")
    food_bank.click("main button.primary")
    food_bank.select_option("#id_to_status", "completed")
    food_bank.select_option("#id_outcome", "need_met")
    food_bank.fill("#id_outcome_note", "Enrolled in weekly pantry pick-up and SNAP application.")
    food_bank.click("main button.primary")
    assert "Completed" in food_bank.inner_text("main")

    staff.goto(referral_url)
    assert "Need met" in staff.inner_text("main")
    staff.goto(f"{demo_url}/referrals/figures/")
    figures = staff.inner_text("main")
    assert "Food" in figures and "Ocean State Food Bank" in figures
