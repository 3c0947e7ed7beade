"""The practice library in the browser: Highland's editor finds Glasgow's council tax playbook with the search box in
the header, says "we use this", and Glasgow's editor (the owner) confirms it. axe on every page of the journey; the
search page, the library and the asset page reflow at 320 px. The library and the asset page are saved as
screenshots for the README (docs/screenshots/)."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from practice.models import Adoption, Asset
from tests.browser.crawl import measure

pytestmark = pytest.mark.browser

HIGHLAND_EDITOR = "editor@highland.demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
PLAYBOOK = "Council tax self-service playbook"
README_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def reflows(visitor, name, path):
    page = visitor.page
    for width in (320, 1280):
        result = measure(page, name, path, width)
        assert not result.scrolls_sideways, f"{path} scrolls sideways at {width} px ({result.scroll_width} px)"
        assert not result.clipped, f"{path} cuts off a table at {width} px: {result.clipped}"
        if width == 320:
            assert not visitor.axe_violations(), f"axe at 320 px on {path}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_editor_finds_a_playbook_by_search_declares_use_and_the_owner_confirms(visitor):
    page = visitor.page
    visitor.login(HIGHLAND_EDITOR)

    page.get_by_role("searchbox", name="Search the portal").first.fill("council tax playbook")
    page.get_by_role("search").first.get_by_role("button", name="Search").click()
    expect(page.locator("h1")).to_have_text("Search the portal")
    result = page.locator(".ds_search-result").first
    expect(result).to_contain_text(PLAYBOOK)
    visitor.check_accessibility("practice-search")
    reflows(visitor, "practice:search", "/search/?q=council+tax+playbook")

    result.get_by_role("link", name=PLAYBOOK).click()
    expect(page.locator("h1")).to_have_text(PLAYBOOK)
    visitor.check_accessibility("practice-asset")
    asset = Asset.objects.get(title=PLAYBOOK)
    reflows(visitor, "practice:detail", f"/practice/{asset.pk}/")

    page.get_by_role("link", name="We use this").click()
    expect(page.locator("h1")).to_have_text("We use this")
    page.get_by_role("button", name="Save").click()  # nothing chosen: the error says what to do
    expect(page.locator(".ds_error-summary")).to_contain_text("Choose how far your council has got with it")
    visitor.check_accessibility("practice-adopt-error")
    page.locator("label.ds_radio__label", has_text="Using").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("the owner is asked to confirm it")
    row = page.locator("#adopters + .ds_table-wrapper tr", has_text="Highland")
    expect(row).to_contain_text("Using")
    expect(row).to_contain_text("Not yet")
    adoption = Adoption.objects.get(asset=asset, council__gss_code="S12000017")
    assert adoption.state == "using" and adoption.confirmed_at is None

    visitor.login(GLASGOW_EDITOR)
    visitor.goto(f"/practice/{asset.pk}/")
    page.get_by_role("button", name="Confirm Highland").click()
    expect(page.locator("main")).to_contain_text("use is confirmed")
    visitor.check_accessibility("practice-asset-confirmed")
    adoption.refresh_from_db()
    assert adoption.confirmed_at is not None

    visitor.goto("/practice/")
    expect(page.locator("h1")).to_have_text("Practice library")
    visitor.check_accessibility("practice-library")
    reflows(visitor, "practice:list", "/practice/")
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(README_SCREENSHOTS / "practice-library.png"), full_page=True)
    visitor.goto(f"/practice/{asset.pk}/")
    page.screenshot(path=str(README_SCREENSHOTS / "practice-asset.png"), full_page=True)


def test_the_adopting_council_links_its_benefit_and_the_asset_page_shows_it(visitor):
    from decimal import Decimal

    from councils.models import Council
    from initiatives.models import Benefit, Initiative

    page = visitor.page
    asset = Asset.objects.get(title=PLAYBOOK)
    fife = Adoption.objects.get(asset=asset, council__gss_code="S12000047")
    benefit = Benefit.objects.create(initiative=Initiative.objects.order_by("reference").first(),
                                     council=Council.objects.get(gss_code="S12000047"),
                                     title="Fewer council tax calls in Fife", target_value=Decimal("12000"),
                                     realised_value=Decimal("4500"))
    visitor.login("editor@fife.demo.digitaloffice.scot")
    visitor.goto(f"/practice/{asset.pk}/")
    page.get_by_role("link", name="Link our council's benefits").click()
    expect(page.locator("h1")).to_have_text("Benefits of reusing it")
    visitor.check_accessibility("practice-adoption-benefits")
    reflows(visitor, "practice:adoption_benefits", f"/practice/{asset.pk}/adoptions/{fife.pk}/benefits/")
    page.locator("label.ds_checkbox__label", has_text=benefit.title).click()  # the Design System's checkbox
    page.get_by_role("button", name="Save").click()
    section = page.locator("#adopter-benefits + .ds_table-wrapper")
    expect(section).to_contain_text(benefit.title)
    expect(section).to_contain_text("£4,500")
    visitor.check_accessibility("practice-asset-adopter-benefits")
    reflows(visitor, "practice:detail", f"/practice/{asset.pk}/")
