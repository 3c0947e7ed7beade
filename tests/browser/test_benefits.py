"""The benefits register in the browser (issue 26): the CDO opens it from the navigation, filters it to one
council and a grade, follows a benefit to its page; axe on each page; the register reflows at 320 px."""

import pytest
from playwright.sync_api import expect

from tests.browser.crawl import measure

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"


def test_the_cdo_reads_the_register_filters_it_and_opens_a_shared_benefit(visitor):
    page = visitor.page
    visitor.login(CDO)
    page.get_by_role("link", name="Benefits", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Benefits register")
    expect(page.locator('[data-figure="dis-benefits"]')).to_contain_text("not subtracted from the benefits")
    visitor.check_accessibility("benefits-register")
    for width in (320, 1280):
        result = measure(page, "benefits:register", "/benefits/", width)
        assert not result.scrolls_sideways, f"the register scrolls sideways at {width} px ({result.scroll_width} px)"
        assert not result.clipped, f"the register cuts off a table at {width} px: {result.clipped}"
        if width == 320:
            assert not visitor.axe_violations(), "axe at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})

    visitor.goto("/benefits/?category=quality")
    expect(page.locator('[data-table="register"] tbody tr')).to_have_count(1)
    visitor.check_accessibility("benefits-register-filtered")
    page.get_by_role("link", name="Fewer failed waste collections (demo)").click()
    expect(page.locator("h1")).to_have_text("Fewer failed waste collections (demo)")
    expect(page.locator('[data-shares-total]')).to_contain_text("Together 100% of the benefit.")
    visitor.check_accessibility("benefit-detail")
