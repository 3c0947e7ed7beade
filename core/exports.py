"""CSV and XLSX downloads of table data: the same columns and rows in both formats."""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .spreadsheets import neutralise_formulas

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[object], object]


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """Spreadsheet-safe: no formula can start anywhere in the text (core.spreadsheets)."""
    return "" if value is None else neutralise_formulas(value)


def csv_response(rows: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so Excel reads UTF-8
        yield writer.writerow([str(c.heading) for c in columns])
        for row in rows:
            yield writer.writerow([_cell(c.value(row)) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable


def xlsx_response(rows: Iterable, columns: list[Column], filename: str, sheet_title: str = "Data") -> HttpResponse:
    return xlsx_workbook_response([Sheet(sheet_title, columns, rows)], filename)


def xlsx_workbook_response(sheets: list[Sheet], filename: str) -> HttpResponse:
    """One workbook with a sheet per table, each with its heading row; every cell spreadsheet-safe."""
    workbook = Workbook(write_only=True)
    for table in sheets:
        sheet = workbook.create_sheet(title=str(table.title)[:31])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, min(50, len(str(column.heading)) + 4))
        sheet.append([str(c.heading) for c in table.columns])
        for row in table.rows:
            sheet.append([_cell(c.value(row)) for c in table.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(fmt: str, rows: Iterable, columns: list[Column], filename: str, sheet_title: str = "Data"):
    if fmt == "xlsx":
        return xlsx_response(rows, columns, filename, sheet_title)
    return csv_response(rows, columns, filename)
