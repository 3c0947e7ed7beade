"""Reading an uploaded CSV or XLSX file into a header and rows of cells. No rule of the ledger lives here:
`services.contributions_import_check` decides what the cells mean."""

import csv
import datetime
import io
import zipfile

from django.utils.translation import gettext as _

MAX_ROWS = 5000


class UnreadableFile(Exception):
    pass


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _read_csv(content: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_("The file is not text in UTF-8 or Windows encoding: save it as CSV UTF-8."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file could not be read: %(error)s") % {"error": error}) from error


def _xlsx_cell(value):
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    return value


def _read_xlsx(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_xlsx_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(content: bytes, filename: str) -> tuple[list, list[tuple[int, list]]]:
    """The header cells and the data rows of the first sheet, each row with its number as a spreadsheet shows it
    (the header is row 1). Blank rows are left out; trailing blank cells are kept as None."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(content)
    else:
        raise UnreadableFile(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    numbered = [(number, list(cells)) for number, cells in enumerate(rows, start=1) if not _is_blank(cells)]
    if not numbered:
        raise UnreadableFile(_("The file is empty."))
    (_header_number, header), data = numbered[0], numbered[1:]
    if len(data) > MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(max)s rows: split it into smaller files.") % {"max": MAX_ROWS})
    return header, data
