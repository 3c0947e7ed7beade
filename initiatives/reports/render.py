"""A report's files from its figures: a tagged PDF (PDF/UA, WeasyPrint) and an XLSX with the same figures
on sheets (openpyxl), both written to a fresh name and moved into place whole, so no reader ever sees half a file.
"""

import datetime
import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .figures import ReportFigures

PARTIAL_FOLDER = "reports/partial"
PDF_VARIANT = "pdf/ua-1"
ROWS_PER_TABLE = 40


def render_pdf(figures: ReportFigures) -> bytes:
    """A tagged PDF (PDF/UA-1: a structure tree, the document's language and title) of the report."""
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango and fonts (about a second): only in the worker

    # The list of initiatives goes in tables of a page's length or so: WeasyPrint lays out one table of 2,000 rows
    # several times slower than forty tables of fifty (the reader sees one list, its header on every page).
    groups = [figures.rows[start:start + ROWS_PER_TABLE] for start in range(0, len(figures.rows), ROWS_PER_TABLE)]
    context = {"figures": figures, "report": figures.report, "row_groups": groups}
    html = render_to_string("initiatives/reports/report.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def _local(value):
    """openpyxl writes naive datetimes: show them in the portal's time zone."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def render_xlsx(figures: ReportFigures) -> bytes:
    """The same figures as the PDF, one sheet each: summary, initiatives, overdue (and the board pack's registers)."""
    report = figures.report
    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title, header, rows):
        ws = book.create_sheet(title=title[:31])
        ws.append([_cell(ws, name, bold) for name in header])
        for row in rows:
            ws.append([_local(value) for value in row])
        return ws

    summary = [
        [_("Report"), str(report.get_kind_display())],
        [_("Reporting period"), report.period.label if report.period else ""],
        [_("Council"), report.council.name if report.council else _("Every council")],
        [_("Updates due by"), figures.deadline],
        [_("Made"), figures.generated_at],
        [_("Initiatives"), figures.total],
        [_("Updates overdue at the deadline"), len(figures.overdue)],
    ]
    summary += [[_("Stage: %(stage)s") % {"stage": label}, count] for _value, label, count in figures.stages]
    for count in figures.rag:
        summary += [
            [f"{count.label}: {_('Green')}", count.green],
            [f"{count.label}: {_('Amber')}", count.amber],
            [f"{count.label}: {_('Red')}", count.red],
            [f"{count.label}: {_('Not reported')}", count.not_reported],
        ]
    sheet(_("Summary"), [_("Figure"), _("Value")], summary)
    sheet(
        _("Initiatives"),
        [_("Reference"), _("Title"), _("Lead council"), _("Stage"), _("Status for period"), _("Delivery"), _("Spend"),
         _("Benefits"), _("Risk"), _("Percent complete"), _("Spend to date (£)"), _("Overdue at the deadline")],
        (
            [row.initiative.reference, row.initiative.title, row.initiative.lead_council.name, row.stage_label,
             row.status.period.label if row.status else _("Not reported"),
             *([str(getattr(row.status, f"get_rag_{axis}_display")()) for axis in ("delivery", "spend", "benefits",
                                                                                  "risk")]
               if row.status else ["", "", "", ""]),
             row.status.percent_complete if row.status else None,
             row.status.spend_to_date if row.status else None,
             _("Yes") if row.initiative.overdue_then else _("No")]
            for row in figures.rows
        ),
    )
    sheet(
        _("Overdue"),
        [_("Reference"), _("Title"), _("Lead council"), _("Submitted after the deadline")],
        ([o.initiative.reference, o.initiative.title, o.initiative.lead_council.name, o.submitted_at]
         for o in figures.overdue),
    )
    _benefit_sheets(sheet, figures)
    if figures.slipped_milestones is not None:
        sheet(
            _("Slipped milestones"),
            [_("Reference"), _("Milestone"), _("Baseline"), _("Forecast"), _("Slippage (days)")],
            ([m.initiative.reference, m.title, m.baseline_date, m.forecast_date, m.slippage_days]
             for m in figures.slipped_milestones),
        )
    if figures.top_risks is not None:
        sheet(
            _("Highest open risks"),
            [_("Reference"), _("Risk"), _("Likelihood"), _("Impact"), _("Score"), _("Owner"), _("Mitigation")],
            ([r.initiative.reference, r.title, r.likelihood, r.impact, r.score, r.owner, r.mitigation]
             for r in figures.top_risks),
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _benefit_sheets(sheet, figures):
    """The benefits register: figures by category, year and evidence grade (dis-benefits apart), and every
    benefit with its category, councils' shares, yearly targets and realisations by grade."""
    b = figures.benefits
    if b is None:
        return
    rows = [[label, target, realised, potential] for _code, label, target, realised, potential in b.by_category]
    rows += [[_("Benefits (not dis-benefits)"), b.benefits_target, b.benefits_realised, b.potential],
             [_("Dis-benefits (never netted)"), b.dis_target, b.dis_realised, None]]
    rows += [[_("Realised, %(grade)s") % {"grade": label}, None, amount, None]
             for _grade, label, amount, _dis in b.realised_by_grade]
    sheet(_("Benefits figures"), [_("Figure (£)"), _("Committed target"), _("Realised"),
                                  _("Potential if all 32 adopt (not a target)")], rows)
    sheet(_("Benefits by year"), [_("Financial year"), _("Benefits targeted (£)"), _("Benefits realised (£)"),
                                  _("Dis-benefits expected (£)"), _("Dis-benefits incurred (£)")],
          ([y["label"], y["target"], y["realised"], y["dis_target"], y["dis_realised"]] for y in b.years))

    def grades(row):
        counts = {}
        for grade, value in row.realisations:
            counts[grade] = counts.get(grade, 0) + value
        return "; ".join(f"{grade} {value:.2f}" for grade, value in counts.items())

    sheet(_("Benefits register"),
          [_("Reference"), _("Benefit"), _("Category"), _("Unit"), _("Councils' shares"), _("Committed target"),
           _("Yearly targets"), _("Realised to date"), _("Realised by evidence grade"), _("Potential if all adopt"),
           _("Responsible officer"), _("Status")],
          ([row.reference, row.title, row.category, row.unit,
            ", ".join(f"{code} {percent:.2f}%" for code, percent in row.shares), row.target_value,
            ", ".join(f"{label}: {value:.2f}" for label, value in row.targets), row.realised_value,
            grades(row), row.potential_all_councils, row.responsible_officer, row.status]
           for row in figures.benefit_rows))


def _cell(ws, value, font):
    cell = WriteOnlyCell(ws, value=str(value))
    cell.font = font
    return cell


def store_whole(name: str, content: bytes, storage=default_storage) -> str:
    """Save `content` under `name` (or a free variant of it) so that the name never holds a partial file.

    Through the storage API only, so it works on the local disk and on S3 alike: the bytes are written whole to a
    temporary name under reports/partial/ first, then copied to their final name and the temporary object deleted
    (copy-and-delete). A process killed meanwhile leaves only a partial object, which report_sweep removes; the
    report's row names a file only once it is complete.
    """
    partial = storage.save(f"{PARTIAL_FOLDER}/{uuid.uuid4().hex}.part", ContentFile(content))
    try:
        with storage.open(partial, "rb") as handle:
            return storage.save(name, handle)
    finally:
        storage.delete(partial)


def remove_partial_files(*, older_than: datetime.datetime, storage=default_storage) -> int:
    """Delete partial files left by a process that died while writing one (any storage)."""
    try:
        _folders, names = storage.listdir(PARTIAL_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    removed = 0
    for name in names:
        path = f"{PARTIAL_FOLDER}/{name}"
        if name.endswith(".part") and storage.get_modified_time(path) < older_than:
            storage.delete(path)
            removed += 1
    return removed
