"""The strategy and digital maturity pages in the browser: charts drawn beside their tables, axe-clean,
and a council's staff kept to their own council's assessments."""

import re

import pytest
from playwright.sync_api import expect

from councils.models import Council
from strategy.models import MaturityAssessment, Measure

pytestmark = pytest.mark.browser

CDO = "cdo@demo.digitaloffice.scot"
GLASGOW_EDITOR = "editor@glasgow.demo.digitaloffice.scot"
FIFE_EDITOR = "editor@fife.demo.digitaloffice.scot"


def chart_drawn(page, canvas_id):
    """Chart.js has drawn on the canvas (it registers the chart against it)."""
    page.wait_for_function(
        "id => window.Chart && Chart.getChart(document.getElementById(id)) !== undefined", arg=canvas_id
    )


def test_strategy_pages_for_the_digital_office(visitor):
    page = visitor.page
    visitor.login(CDO)

    visitor.goto("/strategy/")
    expect(page.locator("h1")).to_have_text("All councils will be digital businesses by 2020")
    expect(page.locator("#outcome-4")).to_contain_text(
        "Provide services as good or better than those available in the commercial sector"
    )
    visitor.check_accessibility("strategy-overview")

    page.get_by_role("link", name=re.compile("Outcome coverage")).click()
    expect(page.locator("h1")).to_have_text("Outcome coverage")
    visitor.check_accessibility("strategy-coverage")

    measure = Measure.objects.get(title="Average cost per transaction")
    visitor.goto(f"/strategy/measures/{measure.pk}/")
    chart_drawn(page, "measure-chart")
    expect(page.locator("#measure-chart")).to_have_attribute("role", "img")
    expect(page.locator("table").first).to_contain_text("Sector-wide")
    visitor.check_accessibility("strategy-measure")

    # The import refuses a bad file as a whole, with its problems in the error summary.
    visitor.goto(f"/strategy/measures/{measure.pk}/readings/import/")
    visitor.check_accessibility("strategy-readings-import")
    page.set_input_files("#id_file", files=[{
        "name": "readings.csv", "mimeType": "text/csv",
        "buffer": b"date,council,value\n2016-03-31,,7.10\n2016-02-31,Atlantis,x\n",
    }])
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".ds_error-summary")
    expect(summary).to_contain_text("Row 3, Date:")
    expect(summary).to_contain_text("Row 3, Council:")
    expect(summary).to_contain_text("Row 3, Value:")
    visitor.check_accessibility("strategy-readings-import-errors")
    assert not measure.readings.filter(value="7.10").exists()

    # Maturity: the office sets the threshold, then sees the sector by name and the count per year.
    visitor.goto("/strategy/maturity/")
    expect(page.locator("h1")).to_have_text("Digital maturity")
    visitor.check_accessibility("maturity-cdo")
    visitor.goto("/strategy/maturity/threshold/")
    page.locator("label", has_text="Placeholder level 3").click()
    visitor.check_accessibility("maturity-threshold")
    page.get_by_role("button", name="Save the threshold").click()
    expect(page.locator(".portal-messages")).to_contain_text("digital business")
    chart_drawn(page, "threshold-chart")
    chart_drawn(page, "distribution-chart")
    expect(page.locator("#by-council")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Glasgow City")
    expect(page.locator("main")).to_contain_text(re.compile(r"\d+ of 32"))
    visitor.check_accessibility("maturity-sector-cdo")

    glasgow = Council.objects.get(gss_code="S12000049")
    visitor.goto(f"/strategy/maturity/councils/{glasgow.slug}/")
    chart_drawn(page, "council-maturity-chart")
    visitor.check_accessibility("maturity-council-cdo")
    page.get_by_role("link", name=re.compile(f"Record an assessment of {glasgow.name}")).click()
    visitor.check_accessibility("maturity-assessment-form")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.locator(".ds_error-summary")).to_be_visible()
    visitor.check_accessibility("maturity-assessment-form-errors")

    visitor.goto("/strategy/maturity/model/")
    visitor.check_accessibility("maturity-model")


def test_maturity_pages_for_a_council_editor(visitor):
    page = visitor.page
    glasgow = Council.objects.get(gss_code="S12000049")
    fife_assessment = MaturityAssessment.objects.filter(council__gss_code="S12000047").first()
    visitor.login(GLASGOW_EDITOR)

    page.get_by_role("link", name="Digital maturity").first.click()
    expect(page.locator("h1")).to_have_text("Digital maturity")
    expect(page.locator("main table")).to_contain_text("Glasgow City")
    expect(page.locator("main table")).not_to_contain_text("Fife")
    visitor.check_accessibility("maturity-council-editor")

    page.get_by_role("link", name=f"Progress of {glasgow.name} over time").click()
    chart_drawn(page, "council-maturity-chart")
    visitor.check_accessibility("maturity-council-page-editor")
    page.get_by_role("link", name=re.compile(r"^\d+ \w+ \d{4}$")).first.click()
    expect(page.locator("h1")).to_contain_text("Assessment of")
    visitor.check_accessibility("maturity-assessment-editor")

    visitor.goto("/strategy/maturity/sector/")
    chart_drawn(page, "distribution-chart")
    main = page.locator("main").inner_text()
    for name in Council.objects.values_list("name", flat=True):
        assert name not in main, name
    visitor.check_accessibility("maturity-sector-council-editor")

    # Another council's assessment is not there to find.
    response = page.goto(visitor.base_url + f"/strategy/maturity/assessments/{fife_assessment.pk}/")
    assert response.status == 404
    response = page.goto(visitor.base_url + "/strategy/maturity/councils/fife/")
    assert response.status == 404

    visitor.login(FIFE_EDITOR)
    response = page.goto(visitor.base_url + f"/strategy/maturity/councils/{glasgow.slug}/")
    assert response.status == 404
