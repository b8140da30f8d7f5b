"""What every browser journey does: log in as a demo colleague at a screen width, and check that a
page fits that width without scrolling sideways."""

from django.conf import settings

# A generous wait: CI runs the browser tests last, on a machine that has just run two suites.
SIGN_IN_TIMEOUT_MS = 60_000


def log_in(browser, demo_url: str, username: str, width: int = 1280):
    """Signs in and waits for the page the sign-in redirects to. A refused sign-in fails here,
    naming what the server answered, rather than as a later test's timeout."""
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)

    def is_sign_in_post(response) -> bool:
        return response.request.method == "POST" and "/accounts/login/" in response.url

    with page.expect_response(is_sign_in_post, timeout=SIGN_IN_TIMEOUT_MS) as posted:
        page.click("main button[type=submit]")
    answer = posted.value
    if answer.status != 302:
        raise AssertionError(
            f"sign-in as {username} answered {answer.status}: {page.inner_text('main')[:400]}"
        )
    page.wait_for_url(
        lambda url: "/accounts/login/" not in url, timeout=SIGN_IN_TIMEOUT_MS, wait_until="load"
    )
    return page


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width
