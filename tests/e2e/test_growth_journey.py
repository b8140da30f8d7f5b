"""A pediatrician opens a demo child's chart in a real browser: the growth plots draw their
percentile curves from the curves' images (growth.curve_images), which the page's security
policy lets through and the browser keeps, in English and in Spanish, at a desk and on a phone."""

import re

import pytest

from .pages import fits, log_in
from .test_accessibility import violations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("es", 390)])
def test_the_growth_plots_draw_their_curves(browser, demo_url, language, width):
    page = log_in(browser, demo_url, "pediatrician@eastside.demo", width=width)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": demo_url}])
    curves, problems = [], []
    page.on("response", lambda r: curves.append(r) if "/growth/curves/" in r.url else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    # The demo's children have growth measurements at their well-child visits: the first of
    # today's children whose chart shows plots.
    page.goto(f"{demo_url}/screening/today/")
    charts = page.locator("main a[href*='/children/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    charts = [
        href for href in dict.fromkeys(charts) if re.fullmatch(r"/children/[0-9a-f-]{36}/", href)
    ]
    assert charts
    for href in charts[:5]:
        page.goto(f"{demo_url}{href}")
        page.wait_for_load_state("networkidle")
        if page.locator("image.growth-curves-image").count():
            break
    assert page.locator("html").get_attribute("lang") == language  # the page is in it
    images = page.locator("image.growth-curves-image")
    assert images.count() >= 2
    hrefs = set(images.evaluate_all("nodes => nodes.map(n => n.getAttribute('href'))"))
    fetched = {r.url.removeprefix(demo_url): r for r in curves}
    assert hrefs <= set(fetched), (hrefs, set(fetched))
    for href in hrefs:
        answer = fetched[href]
        assert answer.status == 200 and answer.headers["content-type"] == "image/svg+xml"
        assert "immutable" in answer.headers["cache-control"]
    box = images.first.bounding_box()
    plot = page.locator(".growth-plot svg").first.bounding_box()
    assert box and plot and box["width"] >= plot["width"] * 0.7  # stretched over the axes
    assert problems == []  # nothing refused by the content security policy
    assert fits(page, width)
    assert violations(page) == []
    page.context.close()
