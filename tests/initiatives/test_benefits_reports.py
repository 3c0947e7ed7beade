"""The reports carry the benefits register (issue 26): its figures by category, year and evidence grade, with
dis-benefits apart, in the PDF and the XLSX, realised to the period's end."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from initiatives import reports
from initiatives.models import Report
from tests.initiatives.benefit_world import benefit_world_fixture  # noqa: F401  (the fixture `benefit_world`)
from tests.initiatives.factories import ReportingPeriodFactory

pytestmark = pytest.mark.django_db


def test_the_portfolio_report_carries_the_benefits_in_pdf_and_xlsx(benefit_world, django_capture_on_commit_callbacks):
    # September 2025: only the realisations recorded by its end count (£200 of the shared benefit, the £50
    # dis-benefit); the targets are the committed ones.
    period = ReportingPeriodFactory(starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2025, 9, 30),
                                    submission_opens_on=datetime.date(2025, 9, 25),
                                    submission_due_on=datetime.date(2025, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_queue(kind=Report.Kind.PORTFOLIO, period=period)
    report.refresh_from_db()
    assert report.status == "ready", report.error
    with report.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    text = re.sub(r"\s+", " ", text)
    assert "£200.00 realised by the period's end of £1,200.00 committed" in text.replace("’", "'")
    assert "£50.00 incurred of £300.00 expected" in text
    assert "Potential if all 32 councils adopt: £32,000.00 (not a target)" in text
    with report.spreadsheet.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    figures = {row[0]: row[1:] for row in book["Benefits figures"].iter_rows(values_only=True)}
    assert figures["Benefits (not dis-benefits)"][:2] == (1200, 200)
    assert figures["Dis-benefits (never netted)"][:2] == (300, 50)
    assert figures["Realised, Estimated"][1] == 200 and figures["Realised, Audited"][1] == 0
    years = {row[0]: row[1:] for row in book["Benefits by year"].iter_rows(values_only=True)}
    assert years["2025/26"] == (400, 200, 300, 50)
    register = {row[1]: row for row in book["Benefits register"].iter_rows(values_only=True)}
    shared = register["Contact centre savings"]
    assert shared[2] == "Cash-releasing saving" and shared[4] == "S12000049 60.00%, S12000047 40.00%"
    assert shared[6] == "2025/26: 400.00, 2026/27: 600.00" and shared[9] == 32000
    assert register["Double running"][2] == "Dis-benefit"
