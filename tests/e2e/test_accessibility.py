"""WCAG 2.1 A/AA checks with axe-core on the staff pages, in English and Spanish."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from .pages import log_in

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{v['id']}: {node['target']}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_staff_pages_have_no_wcag_violations(browser, demo_url, language):
    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(f"{demo_url}/accounts/login/")
    found = {"login": violations(page)}
    page.fill("#id_login", "admin@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/children/$"))
    page.fill("#q", "ng")
    page.locator("#results tbody a").first.wait_for()
    found["search"] = violations(page)
    page.locator("#results tbody a").first.click()
    page.wait_for_url(re.compile(r".*/children/[0-9a-f-]{36}/$"))
    found["chart"] = violations(page)
    page.locator("a[href*='/preferences/']").first.click()
    page.wait_for_load_state()
    found["preferences"] = violations(page)
    for path in (
        "/families/new/",
        "/team/",
        "/practice/",
        "/measures/",
        "/measures/dev/?by=race_ethnicity_any",
        "/measures/dev/children/",
        "/measures/network/",
    ):
        page.goto(f"{demo_url}{path}")
        found[path] = violations(page)
    page.goto(f"{demo_url}/families/new/")
    page.click("main button[type=submit]")  # everything missing: every field says so
    page.wait_for_load_state()
    assert page.locator(".errorlist").count() > 3
    found["register with errors"] = violations(page)
    context.close()

    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize("language", ["en", "es"])
def test_screening_pages_have_no_wcag_violations(browser, demo_url, language):
    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", "pediatrician@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/screening/(alerts|today)/$"))
    found = {}
    for path in ("/screening/today/", "/screening/due/", "/screening/alerts/"):
        page.goto(f"{demo_url}{path}")
        found[path] = violations(page)
    page.goto(f"{demo_url}/screening/today/")
    page.locator("a.button", has_text=re.compile("Send link|Enviar enlace")).first.click()
    page.wait_for_load_state()
    found["send"] = violations(page)
    page.click("main button.primary")
    page.wait_for_load_state()
    found["link ready"] = violations(page)
    link = page.locator("code.copyable").inner_text().strip()
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    phone.goto(f"{link}?lang={language}")
    found["family start"] = violations(phone)
    phone.locator("main a.button").first.click()
    phone.wait_for_load_state()
    found["family form"] = violations(phone)
    phone.goto(f"{demo_url}/f/not-a-real-link-0123456789/")
    found["family invalid link"] = violations(phone)
    context.close()

    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize("language", ["en", "es"])
def test_referral_pages_have_no_wcag_violations(browser, demo_url, language):
    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", "coordinator@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/tasks/$"))
    found = {}
    for path in (
        "/referrals/",
        "/referrals/figures/",
        "/referrals/settings/",
        "/tasks/",
        "/directory/?need=food&zip_code=02907&within_miles=10",
    ):
        page.goto(f"{demo_url}{path}")
        found[path] = violations(page)
    page.goto(f"{demo_url}/referrals/")
    page.locator("main tbody a").first.click()
    page.wait_for_load_state()
    found["referral"] = violations(page)
    page.locator("main a.button", has_text=re.compile("Summary|Resumen")).click()
    page.wait_for_load_state()
    found["family summary"] = violations(page)
    context.close()
    partner = browser.new_context(
        viewport={"width": 1024, "height": 900}, extra_http_headers={"Accept-Language": language}
    ).new_page()
    partner.goto(f"{demo_url}/accounts/login/")
    partner.fill("#id_login", "pantry@oceanstate.demo")
    partner.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    partner.click("main button[type=submit]")
    partner.wait_for_url(re.compile(r".*/partner/referrals/$"))
    found["partner inbox"] = violations(partner)
    partner.locator("main tbody a").first.click()
    partner.wait_for_load_state()
    found["partner referral"] = violations(partner)

    assert {name: problems for name, problems in found.items() if problems} == {}


PHONE_PAGES = {
    "pediatrician@eastside.demo": (
        "/screening/today/",
        "/tasks/",
        "/screening/alerts/",
        "/screening/due/",
        "/referrals/",
        "/huddle/",
    ),
    "admin@eastside.demo": ("/team/", "/practice/", "/measures/", "/measures/network/"),
    "coordinator@eastside.demo": (
        "/referrals/figures/",
        "/experience/network/",
        "/messages/templates/",
    ),
}


@pytest.mark.parametrize("username", sorted(PHONE_PAGES))
def test_staff_pages_on_a_phone_have_no_wcag_violations(browser, demo_url, username):
    """At 390 px wide tables scroll sideways: each such region must be one a keyboard reaches
    (axe's scrollable-region-focusable), which the desk-width test above cannot see. The chart
    at this width: tests/e2e/test_growth_journey.py."""
    page = log_in(browser, demo_url, username, width=390)
    found = {}
    for path in PHONE_PAGES[username]:
        page.goto(f"{demo_url}{path}")
        found[path] = violations(page)
    page.context.close()
    assert {path: problems for path, problems in found.items() if problems} == {}
