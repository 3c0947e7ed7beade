"""A citizen in the browser, without an account: finds the initiatives in Highland, opens one, downloads the CSV;
axe on each page; the pages reflow at 320 px (no sideways scrolling). Screenshots in docs/screenshots/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from public.models import Publication

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_citizen_finds_highlands_initiatives_and_downloads_the_csv(visitor, browser):
    page = visitor.page
    visitor.goto("/public/")
    expect(page.locator("h1")).to_contain_text("Collaborative digital initiatives")
    expect(page.get_by_text("Contains public sector information licensed under the Open Government Licence v3.0."))\
        .to_be_visible()
    visitor.check_accessibility("public-portfolio")
    page.screenshot(path=str(DOCS / "public-portfolio.png"), full_page=True)

    page.select_option("#public-council", label="Highland")
    page.get_by_role("button", name="Find initiatives").click()
    expect(page).to_have_url(re.compile(r"council=S12000017"))
    results = page.locator(".ds_search-result__link")
    expected = [r for r in Publication.objects.get().data["initiatives"]
                if any(c["gss_code"] == "S12000017" for c in r["councils"])]
    expect(results).to_have_count(len(expected))
    visitor.check_accessibility("public-portfolio-highland")

    first = results.first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text("Highland")
    visitor.check_accessibility("public-fact-sheet")
    page.screenshot(path=str(DOCS / "public-fact-sheet.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download all initiatives (CSV)").click()
    saved = download.value.path()
    assert download.value.suggested_filename.startswith("digital-office-initiatives-")
    text = Path(saved).read_text(encoding="utf-8-sig")
    assert text.startswith("id,reference,title") and title in text

    for path in ("/public/councils/", "/public/data/", "/public/archive/"):
        visitor.goto(path)
        visitor.check_accessibility("public-" + path.strip("/").replace("/", "-"))


@pytest.mark.parametrize("path", ["/public/", "/public/councils/", "/public/data/", "/public/archive/", "fact sheet"])
def test_public_pages_reflow_at_320_px(browser, live_server, browser_data, path):
    from tests.browser.conftest import Visitor

    context = browser.new_context(locale="en-GB", viewport={"width": 320, "height": 800})
    visitor = Visitor(context.new_page(), live_server.url)
    if path == "fact sheet":
        path = f"/public/initiatives/{Publication.objects.get().data['initiatives'][0]['reference']}/"
    visitor.goto(path)
    width = visitor.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, (path, width)
    assert not visitor.axe_violations(), path
    context.close()
