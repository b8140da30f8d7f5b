"""The README's screenshots, taken from the running demo so they show what the code does today.

    make demo                                   # in one terminal: the demo on 127.0.0.1:8000
    .venv/bin/python docs/screenshots/make.py   # in another: rewrites docs/screenshots/*.png

Options: --base-url (default http://127.0.0.1:8000), --chromium (default /usr/bin/chromium, or
MEDHOME_CHROMIUM). The demo's logins are printed by `make demo`; all share one password.
Every page is taken at 1280 x 800 except the family's page, taken as a phone sees it (390 px).
The PNGs are palette-reduced when Pillow is installed, to keep the repository small.
"""

import argparse
import os
import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "medhome-demo-2026"  # noqa: S105 - the demo password `make demo` prints; synthetic data
COORDINATOR = "coordinator@riverside.demo"
ANALYST = "admin@riverside.demo"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def log_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/practices/" in page.url:  # a login in more than one practice chooses first
        page.locator("main button, main .choice").first.click()
        page.wait_for_load_state("networkidle")


def shot(page: Page, name: str) -> Path:
    path = HERE / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    print(f"  {path.relative_to(HERE.parent.parent)}")
    return path


def chart_ids(page: Page, base: str, paths: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for path in paths:
        page.goto(f"{base}{path}")
        hrefs = page.eval_on_selector_all(
            "main a[href*='/children/']", "links => links.map(a => a.getAttribute('href'))"
        )
        for href in hrefs:
            match = re.search(r"/children/([0-9a-f-]{36})/$", href or "")
            if match and match.group(1) not in found:
                found.append(match.group(1))
    return found


def child_with_a_plan(page: Page, base: str) -> str:
    """The demo's care-plan story child (goals on its shared plan), reached as staff reach it:
    from the tasks, today's list or the referrals. Opening a care-plan page would start a plan,
    so only charts are opened while looking."""
    for child in chart_ids(page, base, ("/tasks/", "/screening/today/", "/referrals/"))[:80]:
        page.goto(f"{base}/children/{child}/")
        if page.locator("section:has(#plan-heading) ul li").count():
            return child
    raise SystemExit("No child with a care plan found: is the demo loaded?")


def compress(paths: list[Path]) -> None:
    try:
        from PIL import Image
    except ImportError:
        return
    for path in paths:
        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=128).save(path, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--chromium", default=os.environ.get("MEDHOME_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    taken: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        staff = browser.new_context(viewport=DESKTOP, locale="en-US")
        page = staff.new_page()
        log_in(page, base, COORDINATOR)

        taken.append(shot(page, "my-tasks"))  # where a coordinator lands
        page.goto(f"{base}/screening/today/")
        taken.append(shot(page, "today"))
        page.goto(f"{base}/huddle/?site=all")
        page.get_by_role("link", name=re.compile(r"^Next clinic day")).click()
        page.wait_for_load_state()
        taken.append(shot(page, "huddle"))
        child = child_with_a_plan(page, base)
        page.goto(f"{base}/children/{child}/")
        taken.append(shot(page, "chart"))
        page.goto(f"{base}/children/{child}/care-plan/")
        taken.append(shot(page, "care-plan"))
        page.goto(f"{base}/referrals/")
        taken.append(shot(page, "referrals"))

        # The family's side: a fresh care-plan link, opened on a phone.
        page.goto(f"{base}/children/{child}/care-plan/")
        page.click("#links-heading ~ form button[type=submit]")
        page.wait_for_load_state("networkidle")
        family_url = page.input_value("input.copy-field")
        phone = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True)
        family = phone.new_page()
        family.goto(family_url)
        taken.append(shot(family, "family-plan-phone"))
        phone.close()
        staff.close()

        specialist = browser.new_context(viewport=DESKTOP, locale="en-US").new_page()
        log_in(specialist, base, "family.specialist@eastside.demo")
        taken.append(shot(specialist, "caseload"))  # where a family specialist lands
        specialist.goto(f"{base}/programs/")
        specialist.get_by_role("link", name="DULCE").first.click()
        specialist.get_by_role("link", name="The weekly case review").click()
        specialist.wait_for_load_state()
        taken.append(shot(specialist, "dulce-review"))

        clinician = browser.new_context(viewport=DESKTOP, locale="en-US").new_page()
        log_in(clinician, base, "pediatrician@eastside.demo")
        clinician.goto(f"{base}/group-care/")
        clinician.get_by_role("link", name="Grupo de bebés de septiembre").first.click()
        clinician.get_by_role("link", name="11/16/2026 10:00").first.click()
        clinician.wait_for_load_state()
        taken.append(shot(clinician, "group-session"))  # the September babies' 2-month session
        clinician.goto(f"{base}/measures/?experience_by=language")
        clinician.locator("#experience").screenshot(path=HERE / "family-experience.png")
        taken.append(HERE / "family-experience.png")

        admin = browser.new_context(viewport=DESKTOP, locale="en-US").new_page()
        log_in(admin, base, ANALYST)
        admin.goto(f"{base}/measures/")
        taken.append(shot(admin, "measures"))
        browser.close()
    compress(taken)
    return 0


if __name__ == "__main__":
    sys.exit(main())
