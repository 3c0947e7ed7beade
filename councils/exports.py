"""Columns of the funding downloads and import templates. The pages show the same rows and figures."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column

from .models import financial_year_label
from .selectors import status_label
from .services import IMPORT_COLUMNS

# The ledger's table of years (the office-wide page and each agreement's page): rows are selectors.YearRow.
YEAR_COLUMNS = [
    Column(_("Financial year"), lambda r: r.label),
    Column(_("Agreement"), lambda r: r.agreement.title),
    Column(_("Due (£)"), lambda r: r.figures.due),
    Column(_("Paid (£)"), lambda r: r.figures.paid),
    Column(_("Outstanding (£)"), lambda r: r.figures.outstanding),
    Column(_("Overdue (£)"), lambda r: r.figures.overdue),
    Column(_("Paying members"), lambda r: r.figures.paying_members),
    Column(_("Paid in full"), lambda r: r.figures.paid_in_full),
]

# One row per contribution (a year's page, a council's page, the full download): annotated contributions.
CONTRIBUTION_COLUMNS = [
    Column(_("Financial year"), lambda c: financial_year_label(c.financial_year)),
    Column(_("Council"), lambda c: c.council.name),
    Column(_("GSS code"), lambda c: c.council.gss_code),
    Column(_("Agreement"), lambda c: c.agreement.title),
    Column(_("Amount due (£)"), lambda c: c.amount_due),
    Column(_("Due date"), lambda c: c.due_date),
    Column(_("Invoice number"), lambda c: c.invoice_number),
    Column(_("Invoice date"), lambda c: c.invoice_date),
    Column(_("Paid (£)"), lambda c: c.paid),
    Column(_("Outstanding (£)"), lambda c: c.outstanding),
    Column(_("Status"), lambda c: status_label(c.status)),
]


def template_columns(kind):
    """The columns of an import template: the import's own columns, council and year first."""
    return [Column(column.label, (lambda key: lambda row: row.get(key))(column.key)) for column in IMPORT_COLUMNS[kind]]
