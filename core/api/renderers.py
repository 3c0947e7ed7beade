"""JSON for everything, and CSV (`?format=csv`) for lists: the same fields, nested ones flattened.

A nested object becomes dotted columns (`current_status.rag_delivery`); a list is written as JSON text
in one cell. Lists are streamed (see views.ApiReadOnlyViewSet.csv_response), so a full export never sits in memory.
"""

import csv
import json

from rest_framework import renderers, serializers

from ..spreadsheets import neutralise_formulas


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


def csv_chunks(columns: list[str], chunks):
    """The same text as csv_lines, a chunk of rows at a time: one write to the client per chunk, not per line."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for chunk in chunks:
        yield "".join(writer.writerow([cell(flat.get(column)) for column in columns])
                      for flat in map(flatten, chunk))


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
