"""A care coordinator's first minutes in the demo, in a real browser (security.md 4 and 5)."""

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e


def test_coordinator_finds_a_child_with_htmx_and_opens_the_chart(browser, demo_url):
    page = browser.new_page(viewport={"width": 820, "height": 1100})  # a tablet
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{demo_url}/")
    page.fill("#id_login", "coordinator@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/tasks/$"))  # a coordinator's day starts on My tasks
    page.get_by_role("link", name="Find a child").click()
    page.wait_for_url(re.compile(r".*/children/$"))

    with page.expect_response(
        lambda r: r.url.endswith("/children/") and r.request.method == "POST"
    ) as search:
        page.fill("#q", "garc")  # htmx posts as the user types, with the CSRF header from <body>
    assert search.value.status == 200
    assert search.value.request.headers.get("hx-request") == "true"
    assert page.url.endswith("/children/")  # the query never reaches the address bar
    first = page.locator("#results tbody a").first
    first.wait_for()
    first.click()

    page.wait_for_url(re.compile(r".*/children/[0-9a-f-]{36}/$"))
    heading = page.locator("#family-heading")
    assert "how to reach them" in heading.inner_text()
    # Who the family is and how to reach them comes before the child's clinical details.
    family_top = heading.bounding_box()["y"]
    assert family_top < page.locator("#child-heading").bounding_box()["y"]
    assert problems == []  # no CSP violation, no script error
