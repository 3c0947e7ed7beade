"""Every page each demo role reaches, at 320, 640 and 1280 CSS pixels (400%, 200% and 100% zoom of a 1280 px
window): no page scrolls sideways (WCAG 1.4.10 reflow), tables scroll inside their own labelled region, the
portfolio list fits 1280 px with no column cut off, no id is used twice, and axe finds nothing.

The crawl (tests/browser/crawl.py) follows every link from the home page and visits one page of each URL pattern."""

import json

import pytest
from django.urls import resolve

from tests.browser.crawl import DEMO_EMAILS, crawl, measure

pytestmark = pytest.mark.browser

WIDTHS = (320, 640, 1280)
ROLES = ["anonymous", *DEMO_EMAILS]

# What the crawl must reach, at least, for each role: the pages of the council editor's month and the office's.
MUST_REACH = {
    "anonymous": {"account_login", "accessibility"},
    "cdo": {"home", "initiatives:list", "initiatives:detail", "initiatives:review_queue", "initiatives:review",
            "initiatives:reports", "councils:ledger", "partner_access:keys", "strategy:overview", "dashboard:dashboard",
            "dashboard:council"},
    "glasgow-editor": {"home", "initiatives:my_council", "initiatives:update", "initiatives:list",
                       "initiatives:detail", "initiatives:reports", "dashboard:council"},
    "glasgow-viewer": {"home", "initiatives:my_council", "initiatives:detail"},
    "partner": {"home", "initiatives:list", "initiatives:detail"},
}

TABLE_FITS = """() => {
    const table = document.querySelector('table.portal-portfolio');
    const box = table.parentElement;
    const lineHeight = parseFloat(getComputedStyle(document.querySelector('.portal-portfolio__title')).lineHeight);
    const titles = Array.from(document.querySelectorAll('.portal-portfolio__title'));
    return {
        table: table.scrollWidth, box: box.clientWidth,
        columnsCut: Array.from(table.querySelectorAll('thead th'))
            .filter(th => th.getBoundingClientRect().right > box.getBoundingClientRect().right + 1)
            .map(th => th.textContent.trim()),
        mostLines: Math.max(...titles.map(t => Math.round(t.getBoundingClientRect().height / lineHeight))),
    };
}"""


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_reflows_has_unique_ids_and_passes_axe(visitor, role):
    page = visitor.page
    if role == "anonymous":
        start = "/accounts/login/"
    else:
        visitor.login(DEMO_EMAILS[role])
        start = "/"
    problems, checked = [], []

    def check(page, route, path):
        for width in WIDTHS:
            result = measure(page, route, path, width)
            if result.scrolls_sideways:
                problems.append(f"{path} scrolls sideways at {width} px: the page is {result.scroll_width} px wide")
            if result.clipped:
                problems.append(f"{path} cuts off a table at {width} px: {result.clipped}")
            if width == 1280 and result.duplicates:
                problems.append(f"{path} uses these ids more than once: {result.duplicates}")
            if width == 320:
                violations = visitor.axe_violations()
                if violations:
                    problems.append(f"axe on {path} at 320 px: {json.dumps(violations)}")
        if route == "initiatives:list":
            fit = page.evaluate(TABLE_FITS)  # at 1280 px, the last width measured
            if fit["table"] > fit["box"] or fit["columnsCut"]:
                problems.append(f"the portfolio list at 1280 px is cut off: {fit}")
            if fit["mostLines"] > 2:
                problems.append(f"a title on the portfolio list takes {fit['mostLines']} lines at 1280 px")
        checked.append((route, path))
        page.set_viewport_size({"width": 1280, "height": 900})

    crawl(page, visitor.base_url, resolve=resolve, start=start, on_page=check)
    # The error pages are pages too.
    page.goto(visitor.base_url + "/initiatives/DO-9999/")
    check(page, "404", "/initiatives/DO-9999/")

    routes = {route for route, _path in checked}
    missing = MUST_REACH.get(role, {"home", "initiatives:my_council", "initiatives:update"}) - routes
    assert not missing, f"the crawl as {role} did not reach {missing}; it reached {sorted(routes)}"
    print(f"\n{role}: {len(checked)} pages checked at {WIDTHS} px: " + ", ".join(path for _route, path in checked))
    assert not problems, "\n".join(problems)
