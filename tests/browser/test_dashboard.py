"""The dashboard in the browser: axe-clean with its charts drawn, the map worked by keyboard (a focused cell shows
its figures in the panel, Enter filters the dashboard to that council), the council page, and clean A4 pages in
print."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"


def test_the_dashboard_its_map_by_keyboard_and_a_council_page(visitor):
    page = visitor.page
    visitor.login(CDO)
    expect(page.locator("h1")).to_have_text("Dashboard")
    for chart in ("trend-rag-chart", "trend-on-time-chart", "trend-benefits-chart"):
        page.wait_for_function("id => window.Chart && Chart.getChart(document.getElementById(id))", arg=chart)
    expect(page.locator("#attention")).to_be_visible()
    visitor.check_accessibility("dashboard")

    # Keyboard: Tab reaches the map's cells; the focused cell's figures appear in the panel.
    page.locator("#map-measure").focus()
    page.keyboard.press("Tab")  # the measure's Show button
    page.keyboard.press("Tab")  # the first council
    focused = page.evaluate("document.activeElement.getAttribute('data-council')")
    assert focused and focused.startswith("S12")
    name = page.evaluate("document.activeElement.getAttribute('data-name')")
    expect(page.locator("[data-map-panel]")).to_contain_text(name)
    expect(page.locator("[data-map-panel]")).to_contain_text("Updates owed")
    visitor.check_accessibility("dashboard-map-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"council={focused}"))
    expect(page.locator("h1")).to_contain_text(name)

    visitor.goto("/dashboard/?council=&measure=maturity#map")
    expect(page.locator("#map-legend")).to_contain_text("Digital maturity level")
    visitor.check_accessibility("dashboard-map-maturity")

    visitor.goto("/councils/glasgow-city/")
    expect(page.locator("h1")).to_have_text("Glasgow City")
    expect(page.locator("[data-section=maturity]")).to_be_visible()
    visitor.check_accessibility("council-page")


def test_print_gives_clean_a4_pages(visitor):
    page = visitor.page
    visitor.login(CDO)
    page.emulate_media(media="print")
    expect(page.locator(".portal-filters")).to_be_hidden()
    expect(page.locator(".ds_site-header__navigation")).to_be_hidden()
    expect(page.locator("#attention")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2


def test_council_staff_see_their_tasks_first(visitor):
    page = visitor.page
    visitor.login(GLASGOW_EDITOR)
    expect(page.locator("[data-todo] .ds_leader")).to_contain_text(re.compile(r"You have \d+ updates? to submit by"))
    expect(page.locator("h1")).to_have_text("Dashboard: Glasgow City")
    expect(page.get_by_role("combobox", name="Colour the councils by").locator("option")).to_have_count(2)
    visitor.check_accessibility("dashboard-council-editor")
