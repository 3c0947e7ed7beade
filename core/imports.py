"""Spreadsheet imports: the one framework that every import of the portal (funding, measure readings) uses.

The flow is the same everywhere:

1. **check**: the whole file is read and every row checked; nothing is saved. The result is an
   `ImportPreview`: the rows the file would write (each `create`, `update` or `unchanged`, with its changes),
   or every problem with its row and column, so the file can be fixed in one go;
2. the person sees the preview (the file waits in their session: `stash_upload`) and confirms;
3. **apply**: the file is checked again and written in one transaction, all of it or nothing. If what it
   would do differs from the preview the person confirmed (someone changed the records meanwhile),
   nothing is saved (`ImportChanged`).

Cells are read by the same parsers (`parse_money`, `parse_number`, `parse_date`, `parse_financial_year`), so
every import accepts the same formats and words its errors the same way. The apps decide what the cells
mean (councils.services.imports, strategy.services).
"""

import base64
import csv
import datetime
import hashlib
import io
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import CellCoordinatesException
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser

MAX_UPLOAD_BYTES = 1024 * 1024
# An XLSX file is a zip archive: a small upload can inflate a thousandfold. Its parts are checked, by the sizes the
# archive declares (Python's zipfile never inflates a part beyond its declared size), before anything is read.
MAX_XLSX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 32 * 1024 * 1024
MAX_XLSX_MEMBERS = 200
PENNY = Decimal("0.01")
LARGEST_AMOUNT = Decimal("10000000000")

# Every import takes dates in these forms (and real dates from a workbook).
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
DATE_EXAMPLE = "2017-06-30 or 30/06/2017"


# -- reading a file --------------------------------------------------------------------------------


class UnreadableFile(Exception):
    pass


def _is_blank_row(cells) -> bool:
    return all(is_blank(cell) for cell in cells)


def _read_csv(content: bytes):
    if b"\x00" in content:  # UTF-16, or not text at all
        raise UnreadableFile(_("The file is not text in UTF-8 or Windows encoding: save it as CSV UTF-8."))
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


def _check_xlsx_size(content: bytes):
    too_large = UnreadableFile(_(
        "The workbook unpacks to more than %(total)s MB (an Excel file is compressed): save only the rows you "
        "need, or save it as CSV."
    ) % {"total": MAX_XLSX_TOTAL_BYTES // (1024 * 1024)})
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    if len(members) > MAX_XLSX_MEMBERS:
        raise too_large
    if any(member.file_size > MAX_XLSX_MEMBER_BYTES for member in members):
        raise too_large
    if sum(member.file_size for member in members) > MAX_XLSX_TOTAL_BYTES:
        raise too_large


class _CellParser(WorkSheetParser):
    """openpyxl's sheet parser, saying which cell it could not read (it raises a bare ValueError, IndexError...)."""

    def parse_cell(self, element):
        try:
            return super().parse_cell(element)
        except (ValueError, TypeError, IndexError, KeyError, OverflowError, CellCoordinatesException) as error:
            coordinate = element.get("r") or f"{get_column_letter(self.col_counter + 1)}{self.row_counter}"
            raise _MalformedCell(coordinate) from error


class _MalformedCell(Exception):
    def __init__(self, coordinate: str):
        super().__init__(coordinate)
        self.coordinate = coordinate


def _malformed_cell(coordinate: str) -> UnreadableFile:
    column = "".join(character for character in coordinate if character.isalpha()) or "?"
    row = "".join(character for character in coordinate if character.isdigit()) or "?"
    return UnreadableFile(_(
        "Row %(row)s, column %(column)s: the cell could not be read. Type its value again (or clear it) and save the "
        "workbook again."
    ) % {"row": row, "column": column})


def _xlsx_rows(workbook, sheet):
    """The sheet's rows as (number, cells), each cut to the header's width, reading only the cells the file has.

    openpyxl's read-only reader pads every row to the sheet's declared dimension, so a 1.6 KB file that declares
    A1:XFD1048576 (as spreadsheet programs write when whole columns are formatted) cost 9.5 s and 567 MB. Here the
    declared dimension is never used: the header row says how many columns count, and the rows, columns and cells
    read are capped (IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS, IMPORT_MAX_CELLS)."""
    max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    max_cells = settings.IMPORT_MAX_CELLS
    too_many_cells = UnreadableFile(_(
        "The file has more than %(max)s cells to read: split it into smaller files, or delete the columns the import "
        "does not use."
    ) % {"max": max_cells})
    width, cells_read, row_elements, rows = None, 0, 0, []
    with sheet._get_source() as source:  # the sheet's XML (openpyxl's own read-only worksheets read it so)
        parser = _CellParser(
            source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
        )
        for number, parsed in parser.parse():
            row_elements += 1
            if row_elements > 2 * max_rows + 1:  # mostly blank rows: still work to read
                raise UnreadableFile(_("The file has more than %(max)s rows: split it into smaller files.") % {
                    "max": max_rows})
            if width is None:
                filled = [cell["column"] for cell in parsed if not is_blank(cell["value"])]
                if not filled:
                    continue
                width = max(filled)
                if width > max_columns:
                    raise UnreadableFile(_(
                        "The header row has more than %(max)s columns: delete the columns the import does not use."
                    ) % {"max": max_columns})
            values = [None] * width
            for cell in parsed:
                if cell["column"] <= width:
                    values[cell["column"] - 1] = _xlsx_cell(cell["value"])
            cells_read += width
            if cells_read > max_cells:
                raise too_many_cells
            if _is_blank_row(values):
                continue
            rows.append((number, values))
            if len(rows) > max_rows + 1:
                break
    return rows


def _read_xlsx(content: bytes):
    _check_xlsx_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    try:
        return _xlsx_rows(workbook, workbook.worksheets[0])
    except _MalformedCell as error:
        raise _malformed_cell(error.coordinate) from error
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError) as error:  # a sheet part missing, or not XML
        raise UnreadableFile(_("The file could not be read as an Excel workbook (.xlsx).")) from error
    finally:
        workbook.close()


def is_spreadsheet_name(filename: str) -> bool:
    return (filename or "").lower().endswith((".csv", ".txt", ".xlsx"))


def read_table(content: bytes, filename: str) -> tuple[list, list[tuple[int, list]]]:
    """The header cells and the data rows of a CSV file or of a workbook's first sheet, each row with its number
    as a spreadsheet shows it (the header is row 1). Blank rows are left out; missing trailing cells are None."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise UnreadableFile(_("The file is larger than 1 MB: split it into smaller files."))
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        numbered = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        rows = _read_csv(content)
        numbered = [(number, list(cells)) for number, cells in enumerate(rows, start=1) if not _is_blank_row(cells)]
    else:
        raise UnreadableFile(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    if not numbered:
        raise UnreadableFile(_("The file is empty."))
    (_header_number, header), data = numbered[0], numbered[1:]
    if len(data) > settings.IMPORT_MAX_ROWS:
        raise UnreadableFile(_("The file has more than %(max)s rows: split it into smaller files.") % {
            "max": settings.IMPORT_MAX_ROWS})
    return header, data


# -- columns -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    """A column an import reads: found in the header by its key, its label or one of its aliases (any case, any
    punctuation). Columns the import does not know are ignored."""

    key: str
    label: str
    aliases: tuple = ()
    required: bool = False


def _normal_header(text) -> str:
    text = str(text or "").lower().replace("£", "")
    return re.sub(r"[^a-z0-9]+", "", text)


def map_columns(header, columns: list[ImportColumn]) -> tuple[dict, list]:
    """Which position of the file holds which column; problems for a required column missing or one repeated."""
    names = {}
    for column in columns:
        for name in (column.key, str(column.label), *column.aliases):
            names.setdefault(_normal_header(name), column)
    positions, problems = {}, []
    for index, cell in enumerate(header):
        column = names.get(_normal_header(cell))
        if column is None:
            continue
        if column.key in positions:
            problems.append(ImportProblem(1, str(column.label), _("this column appears twice.")))
            continue
        positions[column.key] = index
    for column in columns:
        if column.required and column.key not in positions:
            problems.append(ImportProblem(None, None, _(
                "The file has no “%(column)s” column. The first row must name the columns, as in the template."
            ) % {"column": column.label}))
    return positions, problems


def cells_of(row, positions: dict) -> dict:
    return {key: (row[index] if index < len(row) else None) for key, index in positions.items()}


def row_readers(header, data, positions: dict, labels: dict):
    """A RowReader for each data row. A row with filled cells beyond the header's last column is a problem of its
    own: most often a number written with a thousands comma (1,234.5) in a CSV file, which splits it in two."""
    for number, cells in data:
        reader = RowReader(number, cells_of(cells, positions), labels)
        if any(not is_blank(cell) for cell in cells[len(header):]):
            reader.problem(None, _(
                "this row has more cells than the first row has columns. Put a number with a comma, like 1,234.5, "
                "in quotes, or write it without the comma."))
        yield reader


# -- cells ---------------------------------------------------------------------------------------------


class CellError(Exception):
    """A cell that cannot be read; its message says what to write instead."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value) -> tuple[Decimal | None, str]:
    """A cell as a decimal (None if it is not one) and as the person wrote it. Accepts £, thousands separators
    and accountants' brackets for negatives."""
    if isinstance(value, bool):
        return None, str(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)), cell_text(value)
    shown = cell_text(value)
    cleaned = shown.replace("£", "").replace(",", "").replace(" ", "")
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = "-" + cleaned[1:-1]
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None, shown
    return (number if number.is_finite() else None), shown


def parse_money(value) -> Decimal:
    """An amount of money in pounds and pence, not negative."""
    amount, shown = _decimal(value)
    if amount is None:
        raise CellError(_("“%(value)s” is not an amount of money. Write it in pounds, like 25000 or 25000.50.") % {
            "value": shown})
    if amount < 0:
        raise CellError(_("%(value)s is negative: amounts cannot be below zero.") % {"value": shown})
    if amount != amount.quantize(PENNY):
        raise CellError(_("“%(value)s” has more than two decimal places: give pounds and pence.") % {"value": shown})
    if amount >= LARGEST_AMOUNT:
        raise CellError(_("%(value)s is too large.") % {"value": shown})
    return amount.quantize(PENNY)


def parse_number(value, *, decimal_places: int = 2) -> Decimal:
    """A number, negative or not, with at most `decimal_places` decimals."""
    number, shown = _decimal(value)
    if number is None:
        raise CellError(_("“%(value)s” is not a number. Write it like 42.5 or 1250.") % {"value": shown})
    if number != number.quantize(Decimal(1).scaleb(-decimal_places)):
        raise CellError(_("“%(value)s” has more than %(places)s decimal places.") % {
            "value": shown, "places": decimal_places})
    if abs(number) >= LARGEST_AMOUNT:
        raise CellError(_("%(value)s is too large.") % {"value": shown})
    return number


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 2958466:
        return from_excel(value).date()  # a date the spreadsheet stores as a serial number
    text = cell_text(value)
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date. Write it like %(example)s.") % {
        "value": text, "example": DATE_EXAMPLE})


_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$", re.IGNORECASE)


def parse_financial_year(value) -> int:
    """A Scottish financial year, written 2017/18 (or 2017-18, 2017/2018, 2017), as its start year."""
    text = cell_text(value)
    match = _YEAR.match(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        if end is None or int(end) % 100 == (start + 1) % 100:
            return start
    raise CellError(_("“%(value)s” is not a financial year. Write it like 2017/18.") % {"value": text})


class RowReader:
    """Reads the cells of one row, collecting a problem per cell that cannot be read (row and column named)."""

    def __init__(self, number: int, cells: dict, labels: dict):
        self.number, self.cells, self.labels = number, cells, labels
        self.problems: list[ImportProblem] = []

    def problem(self, key, message):
        self.problems.append(ImportProblem(self.number, self.labels.get(key) if key else None, message))

    def read(self, key, parser, *, required: bool):
        value = self.cells.get(key)
        if is_blank(value):
            if required:
                self.problem(key, _("this cell is empty."))
            return None
        try:
            return parser(value)
        except CellError as error:
            self.problem(key, str(error))
            return None

    def text(self, key, *, max_length: int) -> str:
        value = cell_text(self.cells.get(key))
        if len(value) > max_length:
            self.problem(key, _("this is longer than %(max)s characters.") % {"max": max_length})
        return value


# -- the preview ---------------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    """One thing wrong with the file: a row (as the spreadsheet numbers it) and a column where it is about one."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row and self.column:
            return _("Row %(row)s, %(column)s: %(message)s") % {"row": self.row, "column": self.column,
                                                                 "message": self.message}
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class ImportChange:
    field: str
    old: object
    new: object


@dataclass
class ImportRow:
    """A row the file would write: `values` as read, `action` create, update or unchanged, what would change."""

    number: int
    values: dict
    action: str = "create"
    changes: list = field(default_factory=list)
    existing: object = None


@dataclass
class ImportPreview:
    """What importing a file would do, worked out without saving anything."""

    filename: str
    digest: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    skipped: int = 0

    @classmethod
    def of(cls, content: bytes, filename: str) -> "ImportPreview":
        return cls(filename=filename, digest=hashlib.sha256(content).hexdigest())

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def count(self, action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self):
        return self.count("create")

    @property
    def updated(self):
        return self.count("update")

    @property
    def unchanged(self):
        return self.count("unchanged")

    def finish(self):
        """Problems in row order; a file with any problem writes no row."""
        self.problems.sort(key=lambda problem: problem.row or 0)
        if self.problems:
            self.rows = []
        return self

    @property
    def plan_digest(self) -> str:
        """A fingerprint of what applying would do, so records changed since the preview are noticed."""
        plan = [(row.number, row.action, [(c.field, str(c.old), str(c.new)) for c in row.changes]) for row in self.rows]
        return hashlib.sha256(json.dumps(plan).encode()).hexdigest()


class ImportRejected(ValidationError):
    """The file has problems; nothing was saved. `preview.problems` names each row and column."""

    def __init__(self, preview):
        self.preview = preview
        super().__init__([str(problem) for problem in preview.problems] or [_("The import was refused.")])


class ImportChanged(ValidationError):
    """The records changed after the person saw the preview, so applying would do something else: nothing saved."""


def check_plan_unchanged(preview: ImportPreview, expected_plan: str):
    if not preview.is_valid:
        raise ImportRejected(preview)
    if expected_plan and preview.plan_digest != expected_plan:
        raise ImportChanged(_("The records changed after you previewed this file, so nothing was saved. "
                              "Check the new preview and confirm again."))


# -- the file waits in the session between preview and apply ---------------------------------------------


def stash_upload(session, key: str, *, content: bytes, filename: str, **context) -> str:
    """Keep an uploaded file in the person's session until they confirm; returns a token the confirm form sends."""
    token = secrets.token_urlsafe(16)
    session[key] = {"token": token, "filename": filename, "content": base64.b64encode(content).decode(), **context}
    return token


def stashed_upload(session, key: str, token: str | None = None) -> dict | None:
    """The stashed file (`content` as bytes) and its context, or None if there is none (or the token is wrong)."""
    stored = session.get(key)
    if not stored or (token is not None and not secrets.compare_digest(stored["token"], token)):
        return None
    return {**stored, "content": base64.b64decode(stored["content"])}


def drop_upload(session, key: str):
    session.pop(key, None)


def import_start(content: bytes, filename: str, columns: list[ImportColumn], *, column_check=None):
    """What every import does first: read the file, name its columns, refuse a file with no data rows. Returns
    (preview, header, data, positions); when `preview.problems` is not empty the import stops there and returns the
    preview. `column_check(positions)` adds the import's own problems with the columns (listed first)."""
    preview = ImportPreview.of(content, filename)
    try:
        header, data = read_table(content, filename)
    except UnreadableFile as error:
        preview.problems.append(ImportProblem(None, None, str(error)))
        return preview, [], [], {}
    positions, problems = map_columns(header, columns)
    if column_check is not None:
        problems = [*column_check(positions), *problems]
    if problems:
        preview.problems.extend(problems)
    elif not data:
        preview.problems.append(ImportProblem(None, None, _("The file has a header row but no rows of data.")))
    return preview, header, data, positions
