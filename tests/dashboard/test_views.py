"""The dashboard, its map, export and the council pages over HTTP, as each role sees them."""

import csv
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from strategy.models import MaturityAssessment
from tests.strategy.factories import level

pytestmark = pytest.mark.django_db


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def listed(client, link):
    """The references the portfolio list shows for a link (every page: its CSV export has them all)."""
    response = client.get(link + ("&" if "?" in link else "?") + "export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {row[0] for row in rows[1:]}


def test_every_figure_links_to_exactly_the_initiatives_it_counts(world, sign_in):
    client = sign_in("staff")
    html = html_of(client.get("/?council="))
    links = re.findall(r'<a href="([^"]+)" data-figure="(\d+)"', html)
    assert len(links) >= 20
    for href, count in links:
        assert len(listed(client, unescape(href))) == int(count), href
    expected = {
        "red": {"DO-A001"}, "worsened": {"DO-A001"}, "overdue": {"DO-B001"}, "slipped": {"DO-C001"},
        "total": {"DO-A001", "DO-B001", "DO-C001", "DO-D001", "DO-E001"},
    }
    for name, references in expected.items():
        href = re.search(rf'<a href="([^"]+)" data-figure-link="{name}"', html).group(1)
        assert listed(client, unescape(href)) == references, name
    on_time = re.search(r'data-on-time>.*?<a href="([^"]+)" data-figure="1">.*?<a href="([^"]+)" data-figure="2">',
                        html, re.S)
    assert listed(client, unescape(on_time.group(1))) == {"DO-A001"}
    assert listed(client, unescape(on_time.group(2))) == {"DO-B001", "DO-C001"}


def test_links_keep_the_filters(world, sign_in):
    client = sign_in("staff")
    html = html_of(client.get("/dashboard/?lead_council=S12000049&stage=alpha&stage=proposed"))
    hrefs = [unescape(h) for h, _n in re.findall(r'<a href="([^"]+)" data-figure="(\d+)"', html)]
    assert hrefs and all("lead_council=S12000049" in h for h in hrefs)
    stage_links = [h for h in hrefs if "rag_" not in h and "rating" not in h and "stage=" in h]
    assert {listed(client, h).pop() for h in stage_links if len(listed(client, h)) == 1} <= {"DO-A001", "DO-D001"}
    assert listed(client, next(h for h in hrefs if "rag_delivery=red" in h)) == {"DO-A001"}


def test_the_map_has_a_cell_with_text_for_each_council_and_a_table(world, sign_in):
    html = html_of(sign_in("staff").get("/?council="))
    cells = re.findall(r'<a href="([^"]+)" class="portal-hex[^"]*" tabindex="0" data-council="(S\d+)"', html)
    assert len(cells) == 32
    assert "council=S12000049" in unescape(dict((c, h) for h, c in cells)["S12000049"])
    assert ">Glasgow</tspan>" in html and ">Eilean</tspan>" in html and ">Siar</tspan>" in html  # long names: two lines
    table = html.split('data-table="councils"')[1].split("</table>")[0]
    assert table.count("<tr data-council=") == 32
    glasgow_row = re.search(r'<tr data-council="S12000049">(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", glasgow_row)[:4] == ["2", "1", "2", "1"]
    assert "Some overdue" in glasgow_row
    assert "Open Innovations" in html and "portal-map__legend" in html


def test_selecting_a_cell_filters_the_dashboard(world, sign_in):
    html = html_of(sign_in("staff").get("/?council=S12000017&measure=initiatives"))
    assert "Dashboard: Highland" in html
    assert re.search(r'data-figure-link="total"', html)
    assert "1 initiative in view" in html


@pytest.fixture
def assessments(world):
    MaturityAssessment.objects.create(council=world["fife"], assessed_on="2025-06-01", overall_level=level(4))
    MaturityAssessment.objects.create(council=world["glasgow"], assessed_on="2025-06-01", overall_level=level(2))


def test_maturity_never_reaches_council_staff_for_another_council(world, sign_in, assessments):
    fife_level = level(4).name
    client = sign_in("glasgow")
    for url in ("/?council=&measure=maturity", "/dashboard/?measure=maturity&council=S12000047"):
        html = html_of(client.get(url))
        assert fife_level not in html and 'value="maturity"' not in html and 'data-maturity="' not in html
    workbook = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx?council=&measure=maturity").content))
    text = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row)
    assert fife_level not in text and "Maturity level" not in text
    assert client.get("/councils/fife/").status_code == 404
    own = html_of(client.get("/councils/glasgow-city/"))
    assert level(2).name in own and 'data-section="maturity"' in own
    staff = html_of(sign_in("staff").get("/?council=&measure=maturity"))
    assert fife_level in staff and 'value="maturity" selected' in staff


def test_partners_see_portfolio_figures_without_confidential_parts(world, sign_in, assessments):
    html = html_of(sign_in("partner").get("/"))
    assert "Headline figures" in html and "Map of Scotland" in html
    for hidden in ("Returned updates", "Updates awaiting review", "Pooled funding position", 'data-maturity="',
                   level(4).name, 'data-returned="'):
        assert hidden not in html, hidden
    assert sign_in("partner").get("/councils/fife/").status_code == 404


def test_council_staff_home_says_what_they_must_do_first(world, sign_in):
    html = html_of(sign_in("glasgow").get("/"))
    lead = re.search(r'<p class="ds_leader">(.*?)</p>', html.split("data-todo")[1], re.S).group(1)
    due = world["periods"][2].submission_due_on
    assert re.sub(r"\s+", " ", lead) == f"You have 2 updates to submit by {due.day} {due:%B}; 1 was returned."
    assert html.index("data-todo") < html.index('id="attention"')
    assert "Dashboard: Glasgow City" in html


def test_the_export_has_the_figures(world, sign_in):
    response = sign_in("staff").get("/dashboard/export.xlsx?council=")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Figures", "Needs attention", "Trends", "Councils"]
    figures = {row[0].value: row[1].value for row in workbook["Figures"].iter_rows(min_row=2)}
    assert figures["Initiatives"] == 5 and figures["Red on any axis"] == 1 and figures["Submitted on time"] == 1
    assert workbook["Councils"].max_row == 33 and workbook["Councils"]["H1"].value == "Maturity level"


def test_the_export_neutralises_formulas(world, sign_in):
    world["a"].title = "=HYPERLINK(\"http://evil\")"
    world["a"].save()
    workbook = load_workbook(io.BytesIO(sign_in("staff").get("/dashboard/export.xlsx?council=").content))
    titles = [row[2].value for row in workbook["Needs attention"].iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://evil\")" in titles


def test_council_page(world, sign_in):
    from tests.councils.factories import ContributionFactory, PaymentFactory

    PaymentFactory(contribution=ContributionFactory(council=world["glasgow"]), amount="1000.00")
    ContributionFactory(council=world["fife"], amount_due="999.00")  # another council's: not Glasgow's figures
    html = html_of(sign_in("staff").get("/councils/glasgow-city/"))
    assert "DO-A001" in html and "DO-B001" in html and "Adopter" in html
    reporting = html.split('data-table="reporting"')[1].split("</table>")[0]
    last = world["periods"][1]
    row = re.search(rf"<th scope=\"row\">{last.label}</th>(.*?)</tr>", reporting, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["2", "1", "0", "1", "50%"]
    # Glasgow's benefits: the cashable £1,000 of A, £400 realised (the sentence and the table say the same)
    benefits = re.search(r"<p data-benefits>(.*?)</p>", html, re.S).group(1)
    assert benefits == ("Cash-releasing: £400.00 realised of £1,000.00 targeted. Other benefits valued in £: £0.00 "
                        "of £0.00.")
    table = html.split('data-table="benefits"')[1].split("</table>")[0]
    postage = re.search(r"<th scope=\"row\"><a [^>]*>Postage</a></th>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", postage)[-2:] == ["£400.00", "£1,000.00"]
    # Its contributions, as on the funding pages (£25,000 due in 2017/18, £1,000 paid), linked to its funding page
    funding = html.split('data-section="funding"')[1].split("</dl>")[0]
    figures = re.findall(r'__key">([^<]*)</dt><dd class="ds_summary-list__value">([^<]*)</dd>', funding)
    assert figures == [
        ("Due, all years", "£25,000.00"), ("Paid", "£1,000.00"), ("Outstanding", "£24,000.00 (£24,000.00 overdue)")]
    assert 'href="/funding/councils/glasgow-city/"' in html


def test_funding_overcommitment_is_a_plain_warning(world, sign_in):
    from tests.councils.factories import FundingAgreementFactory

    agreement = FundingAgreementFactory(title="Tiny agreement", budget="1000.00", first_year=2020, last_year=2040)
    client = sign_in("staff")
    for url in ("/?council=", "/funding/", f"/funding/agreements/{agreement.pk}/"):
        html = html_of(client.get(url))
        # A, B, C and E are past the proposal stage: budgets of £400,000 against £1,000 pooled
        assert "Over-committed by £399,000.00" in html, url
        assert "£-" not in html


def test_council_page_lists_its_initiatives_a_page_at_a_time(world, sign_in, monkeypatch):
    from dashboard import selectors

    monkeypatch.setattr(selectors.council, "COUNCIL_PAGE_SIZE", 2)
    client = sign_in("staff")
    first = html_of(client.get("/councils/glasgow-city/"))
    # Glasgow leads A and D and adopts B: leads first, by reference.
    table = first.split('data-table="initiatives"')[1].split("</table>")[0]
    assert re.findall(r"(DO-[A-E]001) ", table) == ["DO-A001", "DO-D001"]
    assert "3 initiatives: leads 2, adopts 1, observes 0." in first
    assert "Initiatives 1 to 2 of 3." in first
    assert 'href="/initiatives/?council=S12000049"' in first
    second = html_of(client.get("/councils/glasgow-city/?page=2"))
    table = second.split('data-table="initiatives"')[1].split("</table>")[0]
    assert re.findall(r"(DO-[A-E]001) ", table) == ["DO-B001"]
    assert "Initiatives 3 to 3 of 3." in second
