"""What reading the whole-sheet workbook of issue 20 (finding 8) costs: CPU, wall time and peak memory of
core.imports.read_table on a workbook of a few kilobytes that declares <dimension ref="A1:XFD1048576"/>.

    DJANGO_SETTINGS_MODULE=digital_office.settings.test .venv/bin/python -m bench.whole_sheet_import
"""

import io
import resource
import time
import tracemalloc
import zipfile

import django

django.setup()

from openpyxl import Workbook  # noqa: E402

from core.imports import UnreadableFile, read_table  # noqa: E402

SHEET_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def whole_sheet_workbook(rows: int = 5002) -> bytes:
    """A header and `rows - 1` one-cell rows, in a sheet that says it spans every column and row."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    header = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>Council</t></is></c>'
              b'<c r="B1" t="inlineStr"><is><t>Financial year</t></is></c></row>')
    body = b"<row><c><v>1</v></c></row>" * (rows - 1)  # rows and cells without references, as openpyxl allows
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + SHEET_NS + b'">'
             b'<dimension ref="A1:XFD1048576"/><sheetData>' + header + body + b"</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    return out.getvalue()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    content = whole_sheet_workbook()
    tracemalloc.start()
    cpu, wall = cpu_seconds(), time.perf_counter()
    try:
        header, data = read_table(content, "whole-sheet.xlsx")
        outcome = f"read: header of {len(header)} cells, {len(data)} rows"
    except UnreadableFile as refusal:
        outcome = f"refused: {refusal}"
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    peak = tracemalloc.get_traced_memory()[1]
    print(f"workbook of {len(content)} bytes, {outcome}")
    print(f"CPU {cpu:.2f} s, wall {wall:.2f} s, peak memory (tracemalloc) {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
