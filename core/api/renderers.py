"""JSON for everything, and CSV (`?format=csv`) for lists: the same fields, nested ones flattened.

A nested object becomes dotted columns (`current_status.rag_delivery`); a list is written as JSON text
in one cell. Lists are streamed (see views.ApiReadOnlyViewSet.csv_response), so a full export never sits in memory.
"""

import csv
import io
import json

from rest_framework import renderers, serializers

from ..spreadsheets import neutralise_formulas
from .serializers import UTCDateTimeField


def flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for name, value in row.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{column}."))
        elif isinstance(value, list):
            flat[column] = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        else:
            flat[column] = value
    return flat


def columns_of(serializer) -> list[str]:
    """The CSV header of a serializer: its fields in order, nested serializers as dotted names."""
    names = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.BaseSerializer) and not isinstance(field, serializers.ListSerializer):
            names += [f"{name}.{sub}" for sub in columns_of(field)]
        else:
            names.append(name)
    return names


def cell(value):
    """JSON's value as text; null is empty. No formula can start anywhere in the text (core.spreadsheets): an
    apostrophe goes where one could, except before a number such as "-12.50"."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return neutralise_formulas(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(columns: list[str], rows):
    """The CSV text of serialized rows, a line at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        flat = flatten(row)
        yield writer.writerow([cell(flat.get(column)) for column in columns])


def _text_cells():
    """`cell` for text, remembering recent texts: most cells repeat (codes, states, ratings, names, periods' dates),
    and a dictionary look-up is several times cheaper than the formula checks. Long texts (narratives) are not kept."""
    known = {}

    def text_cell(value):
        found = known.get(value)
        if found is None:
            found = neutralise_formulas(value)
            if len(value) <= 64:
                if len(known) >= 20_000:
                    known.clear()
                known[value] = found
        return found

    return text_cell


# Fields whose JSON value is a number, a date or a time (or null), which no spreadsheet runs and the csv module writes
# as `cell` would (None empty): their cells are written as they are. Exact types: a subclass may format otherwise.
PLAIN_FIELDS = (serializers.IntegerField, serializers.DecimalField, serializers.FloatField, serializers.DateField,
                serializers.DateTimeField, UTCDateTimeField)


def plain_columns(serializer, prefix: str = "") -> set[str]:
    """The columns of `serializer` (as columns_of names them) whose cells need no formula check."""
    plain = set()
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.BaseSerializer) and not isinstance(field, serializers.ListSerializer):
            plain |= plain_columns(field, f"{prefix}{name}.")
        elif type(field) in PLAIN_FIELDS:
            plain.add(f"{prefix}{name}")
    return plain


def _row_cells(columns: list[str], plain=frozenset()):
    """A function from a serialized row to its cells in `columns`' order: the same cells as `cell(flatten(row)[c])`
    (a nested object's dotted columns, a list as JSON text, an object where a value was expected left empty)
    without building the flat dictionary of every row; `plain` columns (numbers, dates) are written as they are."""
    text_cell = _text_cells()
    plan = [(column.split(".")[0], tuple(column.split(".")[1:]), column in plain) for column in columns]

    def cells(row):
        out = []
        append = out.append
        for first, rest, is_plain in plan:
            value = row.get(first)
            for part in rest:
                value = value.get(part) if type(value) is dict else None
            kind = type(value)
            if kind is str:
                append(value if is_plain or not value else text_cell(value))
            elif is_plain and kind is not dict and kind is not list:
                append(value)
            elif value is None or kind is dict:
                append("")
            elif kind is bool:
                append("true" if value else "false")
            elif kind is list:
                append(text_cell(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))))
            else:
                append(cell(value))
        return out

    return cells


def csv_chunks(columns: list[str], chunks, plain=frozenset()):
    """The same text as csv_lines, a chunk of rows at a time: one write to the client per chunk, not per line
    (the rows written by the csv module's writerows; profiled at 16,000 rows/s before, docs/benchmarks.md)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    cells = _row_cells(columns, plain)
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(cells, chunk))
        yield buffer.getvalue()


class CSVRenderer(renderers.BaseRenderer):
    """Lists are streamed by the view; this renders what is left (a single object) as a one-row CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data if isinstance(data, list) else [data]
        columns = list(flatten(rows[0]).keys()) if rows else []
        return "".join(csv_lines(columns, rows)).encode()
