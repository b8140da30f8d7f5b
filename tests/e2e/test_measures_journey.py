"""Issue 6's demo in a real browser: a practice leader opens the measures dashboard, sees W30 and
DEV-CH by month (run charts drawn by Chart.js) and by language, drills into the children
missing a developmental screen, and exports the stratified table in both forms."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e


def test_leader_sees_w30_and_dev_by_month_and_language_drills_in_and_exports(browser, demo_url):
    page = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    ).new_page()
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_login", "admin@riverside.demo")
    page.fill("#id_password", settings.MEDHOME_DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.get_by_role("link", name="Measures", exact=True).click()
    page.wait_for_url(re.compile(r".*/measures/$"))
    main = page.inner_text("main")
    for title in ("W30 rate 1", "W30 rate 2", "DEV-CH"):
        assert title in main
    # Run charts and by-language bars are drawn (Chart.js marks the canvases it owns).
    page.wait_for_function(
        "document.querySelectorAll('canvas[data-chart]').length >= 6 && "
        "[...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))"
    )
    dev = page.locator("section.measure-headline", has_text="DEV-CH")
    assert "Spanish" in dev.inner_text() and "English" in dev.inner_text()
    assert "median" in dev.locator("figcaption").first.inner_text()

    dev.get_by_role("link", name="Children who did not meet it").click()
    page.wait_for_url(re.compile(r".*/measures/dev/children/.*which=missing"))
    rows = page.locator("tbody tr a")
    assert rows.count() > 0
    rows.first.click()
    page.wait_for_url(re.compile(r".*/children/[0-9a-f-]{36}/$"))

    page.goto(f"{demo_url}/measures/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export for sharing beyond the practice")).click()
    assert download.value.suggested_filename.endswith("-shared.csv")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(content)))
    assert {"w30_1", "w30_2", "dev"} <= {row["measure"] for row in table}
    assert {"Preferred language", "Race and ethnicity (alone or in combination)"} <= {
        row["dimension"] for row in table
    }
    for row in table:
        for column in ("numerator", "denominator"):
            assert row[column] in ("", "0") or int(row[column]) >= 11
    # The practice's own form: every count its dashboard shows, small ones included.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export for our own quality work")).click()
    assert download.value.suggested_filename.endswith("-internal.csv")
    own = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert {row["note"] for row in own} == {""}
    assert any(row["numerator"] not in ("", "0") and int(row["numerator"]) < 11 for row in own)
