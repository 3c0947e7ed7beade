"""The renewal radar in the browser: the CDO finds the three councils whose CRM contracts end within the same year,
drafts a proposed initiative naming them, and finds it linked from the contracts. axe on each page; the radar
reflows at 320 px (its tables scroll inside their own labelled regions)."""

import pytest
from playwright.sync_api import expect

from contracts.models import Contract
from tests.browser.crawl import measure

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"
CRM = "Customer Relationship Management software package"


def test_the_cdo_drafts_an_initiative_from_three_councils_crm_contracts(visitor):
    page = visitor.page
    visitor.login(CDO)

    page.get_by_role("link", name="Contracts", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Contracts register")
    visitor.check_accessibility("contracts-register")
    page.get_by_role("link", name="Renewal radar").click()
    expect(page.locator("h1")).to_have_text("Renewal radar")
    visitor.check_accessibility("contracts-radar")

    candidate = page.locator("section.portal-candidate", has_text=f"{CRM}: 3 councils")
    expect(candidate).to_have_count(1)
    for council in ("Glasgow City", "Fife", "Highland"):
        expect(candidate).to_contain_text(council)

    for width in (320, 1280):
        result = measure(page, "contracts:radar", "/contracts/radar/", width)
        assert not result.scrolls_sideways, f"the radar scrolls sideways at {width} px ({result.scroll_width} px)"
        assert not result.clipped, f"the radar cuts off a table at {width} px: {result.clipped}"
        if width == 320:
            assert not visitor.axe_violations(), "axe at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})

    candidate.get_by_role("button", name=f"Draft an initiative for {CRM}").click()
    expect(page.locator(".ds_notification, .ds_notification-message, [role=status], main").first).to_contain_text(
        "is drafted")
    expect(page.locator("h1")).to_contain_text("Joint procurement")
    for council in ("Glasgow City", "Fife", "Highland"):
        expect(page.locator("main")).to_contain_text(council)
    visitor.check_accessibility("contracts-drafted-initiative")

    contract = Contract.objects.get(reference="GCC-ICT-0141")
    initiative = contract.initiatives.get()
    assert initiative.stage == "proposed"
    visitor.goto(f"/contracts/{contract.pk}/")
    expect(page.locator("main")).to_contain_text(initiative.reference)
    visitor.check_accessibility("contracts-detail")
