"""The funding ledger in the browser: the office's pages, a refused import and a good one, and a council's own view."""

import re

import pytest
from playwright.sync_api import expect

from councils.models import Contribution, Payment

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_VIEWER = "viewer@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"

BAD_FILE = b"""Council,GSS code,Financial year,Amount due (\xc2\xa3),Due date
Glasgo,,2017/18,25000,2017-06-30
Fife,,2017/18,twenty thousand,2017-06-30
Highland,,2017/18,-500,2017-06-30
"""


def test_the_office_keeps_the_ledger_and_a_council_sees_only_its_own(visitor):
    page = visitor.page
    visitor.login(CDO)

    # The office-wide ledger, from the navigation.
    page.get_by_role("link", name="Funding", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Funding ledger")
    expect(page.locator("#years ~ .ds_table-wrapper table").first).to_contain_text("2017/18")
    visitor.check_accessibility("funding-ledger")

    # An agreement, then a year, then a council.
    page.get_by_role("link", name="Founding agreement").first.click()
    expect(page.locator("h1")).to_have_text("Founding agreement")
    expect(page.locator("#budget ~ dl").first).to_contain_text("Committed by the portfolio")
    visitor.check_accessibility("funding-agreement")
    page.locator("#years ~ .ds_table-wrapper").get_by_role("link", name="2017/18").click()
    expect(page.locator("h1")).to_contain_text("Contributions for 2017/18")
    visitor.check_accessibility("funding-year")
    page.locator("table").get_by_role("link", name=re.compile(r"^Glasgow City")).click()
    expect(page.locator("h1")).to_contain_text("Glasgow City: contribution for 2017/18")
    visitor.check_accessibility("funding-contribution")
    page.locator(".ds_breadcrumbs").get_by_role("link", name="Glasgow City").click()
    expect(page.locator("h1")).to_contain_text("Glasgow City: contributions to the Digital Office")
    visitor.check_accessibility("funding-council")

    # A file with bad rows is refused as a whole, each problem named by row and column.
    contributions, payments = Contribution.objects.count(), Payment.objects.count()
    visitor.goto("/funding/import/")
    visitor.check_accessibility("funding-import")
    page.select_option("#id_agreement", label="Founding agreement (2016/17 to 2018/19)")
    page.set_input_files("#id_file", files=[{"name": "bad-ledger.csv", "mimeType": "text/csv", "buffer": BAD_FILE}])
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".ds_error-summary")
    expect(summary).to_contain_text("bad-ledger.csv has 3 problems, so nothing was saved")
    expect(summary).to_contain_text("Row 2, Council: no council matches “Glasgo”.")
    expect(summary).to_contain_text("Row 3, Amount due (£): “twenty thousand” is not an amount of money.")
    expect(summary).to_contain_text("Row 4, Amount due (£): -500 is negative: amounts cannot be below zero.")
    assert page.title().startswith("Error:")
    visitor.check_accessibility("funding-import-errors")
    assert (Contribution.objects.count(), Payment.objects.count()) == (contributions, payments)

    # A good file is previewed, then confirmed.
    fife = Contribution.objects.get(council__gss_code="S12000047", financial_year=2017)
    good = (f"Council,Financial year,Amount due (£),Due date\nS12000015,2017/18,{fife.amount_due + 100},"
            f"{fife.due_date:%d/%m/%Y}\n").encode()  # Fife's old GSS code
    page.select_option("#id_agreement", label="Founding agreement (2016/17 to 2018/19)")
    page.set_input_files("#id_file", files=[{"name": "good-ledger.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Check the import")
    expect(page.locator(".ds_lead")).to_contain_text("change 1")
    visitor.check_accessibility("funding-import-preview")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".portal-messages")).to_contain_text("good-ledger.csv is imported: 0 added, 1 changed")
    fife.refresh_from_db()
    assert Contribution.objects.get(pk=fife.pk).amount_due == fife.amount_due

    # A council viewer going to the ledger sees their own council, and another council's page is not found.
    visitor.login(GLASGOW_VIEWER)
    visitor.goto("/funding/")
    expect(page.locator("h1")).to_contain_text("Glasgow City: contributions to the Digital Office")
    expect(page.get_by_role("link", name="Record a payment")).to_have_count(0)
    assert "Fife" not in page.locator("main").inner_text()
    visitor.check_accessibility("funding-council-viewer")
    response = page.goto(visitor.base_url + "/funding/councils/fife/")
    assert response.status == 404
    response = page.goto(visitor.base_url + "/funding/years/2017/")
    assert response.status == 403
