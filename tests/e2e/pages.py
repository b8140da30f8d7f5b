"""What every browser journey does: log in as a demo colleague at a screen width, and check that a
page fits that width without scrolling sideways."""

from django.conf import settings


def log_in(browser, demo_url: str, username: str, width: int = 1280):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width
