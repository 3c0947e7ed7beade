"""Bad input from the outside: hostile text in pages and spreadsheets, and workbooks that inflate."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.imports import MAX_XLSX_TOTAL_BYTES, UnreadableFile, read_table
from core.spreadsheets import neutralise_formulas
from initiatives.models import Initiative
from tests.strategy.factories import MeasureFactory

pytestmark = pytest.mark.django_db

CDO = "cdo@demo.digitaloffice.scot"
SCRIPT = '<img src=x onerror="alert(1)">'


def test_a_measures_unit_is_escaped_in_the_record_a_reading_hint(client, login_as):
    """Fault: a measure's unit went unescaped into the "record a reading" form hint (field.html marked hints safe)."""
    measure = MeasureFactory(unit=SCRIPT)
    login_as(CDO)
    html = client.get(reverse("strategy:reading_create", kwargs={"pk": measure.pk})).content.decode()
    assert SCRIPT not in html
    assert "In &lt;img src=x onerror=&quot;alert(1)&quot;&gt;." in html


def test_no_template_marks_text_safe():
    """Nothing user-written is marked safe in a template: `|safe` and autoescape off are not used at all (trusted
    HTML is marked safe in Python, next to the sanitiser)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(root)) for path in root.rglob("*.html")
        if "|safe" in path.read_text(encoding="utf-8") or "autoescape off" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"),
    ("Go-live;=1+1", "Go-live;'=1+1"),
    ("Go-live,@SUM(A1)", "Go-live,'@SUM(A1)"),
    ("x\t+cmd|' /C calc'!A0", "x\t'+cmd|' /C calc'!A0"),
    ("x\r=HYPERLINK(\"http://evil\")", "x\r'=HYPERLINK(\"http://evil\")"),
    ("\t=1", "'\t=1"),
    ("-12.50", "-12.50"),
    ("Budget;-12.50", "Budget;-12.50"),
    ("Go-live", "Go-live"),
    ("-1+2", "'-1+2"),
])
def test_formulas_are_neutralised_wherever_a_spreadsheet_would_start_one(text, safe):
    assert neutralise_formulas(text) == safe


def _rename_first_initiative(title):
    initiative = Initiative.objects.order_by("reference").first()
    Initiative.objects.filter(pk=initiative.pk).update(title=title)
    return initiative


def test_page_exports_guard_formulas_after_a_separator(client, login_as):
    """Fault: the CSV formula guard was bypassed by `Go-live;=1+1` (a locale with `;` as separator)."""
    initiative = _rename_first_initiative("Go-live;=1+1")
    login_as(CDO)
    response = client.get("/initiatives/?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    titles = [row[1] for row in rows[1:]]
    assert "Go-live;'=1+1" in titles and "Go-live;=1+1" not in titles
    workbook = load_workbook(io.BytesIO(client.get("/initiatives/?export=xlsx").content))
    cells = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert "Go-live;'=1+1" in cells and initiative.reference in cells


def test_api_csv_guards_formulas_after_a_separator(client, login_as):
    _rename_first_initiative("Go-live;=1+1")
    login_as(CDO)
    response = client.get("/api/v1/initiatives/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert "Go-live;'=1+1" in body and "Go-live;=1+1" not in body


def _inflating_workbook() -> bytes:
    """A real workbook whose first sheet declares a part that inflates to 150 MB (about 150 KB on disk)."""
    book = Workbook()
    book.active.append(["Council", "Financial year", "Amount due", "Due date"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b" " * (150 * 1024 * 1024) + b"--></worksheet>")
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_that_inflates_beyond_the_limit_is_refused_before_it_is_read():
    """Fault: the 1 MB limit was on the compressed file: a 158 KB workbook inflated to 150 MB in memory."""
    content = _inflating_workbook()
    assert len(content) < 1024 * 1024
    with pytest.raises(UnreadableFile) as refused:
        read_table(content, "ledger.xlsx")
    assert f"unpacks to more than {MAX_XLSX_TOTAL_BYTES // (1024 * 1024)} MB" in str(refused.value)


def test_the_funding_import_page_says_why_an_inflating_workbook_is_refused(client, login_as):
    from councils.models import FundingAgreement

    login_as(CDO)
    response = client.post(reverse("councils:import"), {
        "agreement": FundingAgreement.objects.order_by("first_year").first().pk, "kind": "contributions",
        "file": SimpleUploadedFile("ledger.xlsx", _inflating_workbook()),
    })
    assert "The workbook unpacks to more than" in response.content.decode()
