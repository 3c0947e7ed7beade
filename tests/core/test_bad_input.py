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


# -- issue 20: imports bounded by the work they cause -----------------------------------------------------------------


def _cpu_seconds():
    """CPU time of this thread only: the process's would also count the threads earlier tests in the same worker
    left running (the live server's, Playwright's; the browser tests run first), as one CI run read 0.88 s."""
    import resource

    usage = resource.getrusage(getattr(resource, "RUSAGE_THREAD", resource.RUSAGE_SELF))
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("rows, refused", [(5002, True), (3000, False)])
def test_a_workbook_that_declares_the_whole_sheet_is_read_in_well_under_a_second(rows, refused):
    """Finding 8: <dimension ref="A1:XFD1048576"/> made openpyxl pad every row to 16,384 cells: 9.4 s of CPU and
    1.3 GB for a 5 KB file. Now the header bounds the columns, and rows and cells are capped."""
    from bench.whole_sheet_import import whole_sheet_workbook

    content = whole_sheet_workbook(rows)
    assert len(content) < 6000
    started = _cpu_seconds()
    if refused:
        with pytest.raises(UnreadableFile) as refusal:
            read_table(content, "whole-sheet.xlsx")
        assert "more than 5000 rows" in str(refusal.value)
    else:
        header, data = read_table(content, "whole-sheet.xlsx")
        assert header == ["Council", "Financial year"]
        assert len(data) == rows - 1 and data[0] == (2, [1, None])
    assert _cpu_seconds() - started < 0.5


def test_rows_columns_and_cells_are_capped_by_settings(settings):
    from bench.whole_sheet_import import whole_sheet_workbook

    settings.IMPORT_MAX_CELLS = 1000
    with pytest.raises(UnreadableFile) as refusal:
        read_table(whole_sheet_workbook(600), "whole-sheet.xlsx")
    assert "more than 1000 cells" in str(refusal.value)
    settings.IMPORT_MAX_COLUMNS = 1
    with pytest.raises(UnreadableFile) as refusal:
        read_table(whole_sheet_workbook(10), "whole-sheet.xlsx")
    assert "more than 1 columns" in str(refusal.value)


def _workbook_with_a_malformed_cell():
    book = Workbook()
    book.active.append(["Council", "Financial year", "Amount due", "Due date"])
    book.active.append(["Glasgow City", "2017/18", 1000, None])
    book.active.append(["Fife", "2017/18", 2000, None])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="C3" t="n"><v>2000</v></c>', b'<c r="C3" t="n"><v>2,000</v></c>')
                assert b"2,000" in data
            target.writestr(item, data)
    return out.getvalue()


def test_a_malformed_cell_is_named_by_row_and_column():
    """Finding 9: a number cell holding "2,000" crashed the import (500)."""
    with pytest.raises(UnreadableFile) as refusal:
        read_table(_workbook_with_a_malformed_cell(), "ledger.xlsx")
    assert str(refusal.value).startswith("Row 3, column C: the cell could not be read.")


def test_the_funding_import_page_names_the_malformed_cell(client, login_as):
    from councils.models import FundingAgreement

    login_as(CDO)
    response = client.post(reverse("councils:import"), {
        "agreement": FundingAgreement.objects.order_by("first_year").first().pk, "kind": "contributions",
        "file": SimpleUploadedFile("ledger.xlsx", _workbook_with_a_malformed_cell()),
    })
    assert response.status_code == 200
    assert "Row 3, column C: the cell could not be read." in response.content.decode()
