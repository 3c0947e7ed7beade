"""Importing a spreadsheet of contributions or payments for one funding agreement, on the portal's import
framework (core.imports): check the whole file first (nothing saved), then apply it in one transaction.
Importing the same file twice changes nothing the second time."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import (
    ImportChange,
    ImportColumn,
    ImportPreview,
    ImportProblem,
    ImportRow,
    RowReader,
    cell_text,
    check_plan_unchanged,
    import_start,
    is_blank,
    parse_date,
    parse_financial_year,
    parse_money,
    row_readers,
)

from ..models import Contribution, FundingAgreement, Payment, financial_year_label
from ..selectors import CouncilMatcher, contributions_with_figures, display_value
from .ledger import _check_contribution, _money_text, _require_manager, _save


class ImportKind:
    CONTRIBUTIONS = "contributions"
    PAYMENTS = "payments"
    CHOICES = [
        (CONTRIBUTIONS, gettext_lazy("Contributions: what each council owes for each year, and its invoice")),
        (PAYMENTS, gettext_lazy("Payments: what each council has paid")),
    ]


COUNCIL_COLUMNS = [
    ImportColumn("council", gettext_lazy("Council"), ("council name", "name", "local authority", "authority")),
    ImportColumn("gss_code", gettext_lazy("GSS code"), ("code", "gss", "council code", "council gss code")),
    ImportColumn("financial_year", gettext_lazy("Financial year"), ("year", "fy"), required=True),
]
IMPORT_COLUMNS = {
    ImportKind.CONTRIBUTIONS: COUNCIL_COLUMNS + [
        ImportColumn("amount_due", gettext_lazy("Amount due (£)"), ("due", "contribution", "amount"), required=True),
        ImportColumn("due_date", gettext_lazy("Due date"), ("date due",), required=True),
        ImportColumn("invoice_number", gettext_lazy("Invoice number"), ("invoice", "invoice no", "invoice ref")),
        ImportColumn("invoice_date", gettext_lazy("Invoice date"), ("date invoiced", "invoiced on")),
    ],
    ImportKind.PAYMENTS: COUNCIL_COLUMNS + [
        ImportColumn("amount", gettext_lazy("Amount paid (£)"),
                     ("amount", "amount paid", "paid", "payment", "payment amount"), required=True),
        ImportColumn("paid_on", gettext_lazy("Paid on"), ("date paid", "payment date", "date"), required=True),
        ImportColumn("reference", gettext_lazy("Reference"), ("payment reference", "ref")),
    ],
}
COUNCIL_KEYS = {"council", "gss_code", "financial_year"}


def _row(number, council, year, values) -> ImportRow:
    return ImportRow(number=number, values={"council": council, "financial_year": year, **values})


def _label(row) -> dict:
    """How a problem names the row's council and year."""
    return {"council": row.values["council"], "year": financial_year_label(row.values["financial_year"])}


def _match_council(reader: RowReader, councils: CouncilMatcher):
    code, name = cell_text(reader.cells.get("gss_code")), cell_text(reader.cells.get("council"))
    by_code = councils.find(code) if code else None
    by_name = councils.find(name) if name else None
    if code and by_code is None:
        reader.problem("gss_code", _("no council has the GSS code “%(code)s”.") % {"code": code})
        return None
    if name and by_name is None and not code:
        reader.problem("council", councils.no_match_message(name))
        return None
    if by_code and by_name and by_code != by_name:
        reader.problem("council", _("GSS code %(code)s is %(council)s, but this column says “%(name)s”.") % {
            "code": code, "council": by_code, "name": name})
        return None
    if not code and not name:
        reader.problem("council", _("this cell is empty: give the council's GSS code or name."))
        return None
    return by_code or by_name


def _read_values(kind, reader: RowReader, *, today):
    if kind == ImportKind.CONTRIBUTIONS:
        values = {
            "amount_due": reader.read("amount_due", parse_money, required=True),
            "due_date": reader.read("due_date", parse_date, required=True),
            "invoice_number": reader.text("invoice_number", max_length=50),
            "invoice_date": reader.read("invoice_date", parse_date, required=False),
        }
        if values["invoice_number"] and is_blank(reader.cells.get("invoice_date")):
            reader.problem("invoice_date", _("an invoice number needs its invoice date."))
        return values
    values = {
        "amount": reader.read("amount", parse_money, required=True),
        "paid_on": reader.read("paid_on", parse_date, required=True),
        "reference": reader.text("reference", max_length=100),
    }
    if values["amount"] is not None and values["amount"] == 0:
        reader.problem("amount", _("a payment must be more than £0."))
    if values["paid_on"] and values["paid_on"] > today:
        reader.problem("paid_on", _("%(date)s is in the future.") % {"date": values["paid_on"].strftime("%d/%m/%Y")})
    return values


def _council_column_check(positions) -> list:
    if "council" in positions or "gss_code" in positions:
        return []
    return [ImportProblem(None, None, _(
        "The file has no “Council” or “GSS code” column. The first row must name the columns, as in the template."))]


def contributions_import_check(*, user, agreement, kind, content: bytes, filename: str,
                               today: datetime.date | None = None) -> ImportPreview:
    """Read and check a whole file of contributions or payments for one agreement; save nothing.

    Every row is checked, and every problem is reported with its row and column: an unknown council, a
    value that is not a number, year or date, a negative amount, a row that repeats another, a year outside
    the agreement, a payment with no contribution to pay or that pays more than is due. Rows with nothing but
    a council and a year (as in the template) are skipped. Councils are matched by current GSS code, old GSS
    code, or name. A contribution row creates or updates the contribution of its council and year; a payment
    row is new unless the same payment (council, year, date, amount, reference) is already recorded.
    """
    _require_manager(user)
    if kind not in IMPORT_COLUMNS:
        raise ValueError(f"unknown import kind {kind!r}")
    today = today or timezone.localdate()
    preview, header, data, positions = import_start(content, filename, IMPORT_COLUMNS[kind],
                                                    column_check=_council_column_check)
    if preview.problems:
        return preview

    labels = {column.key: str(column.label) for column in IMPORT_COLUMNS[kind]}
    councils = CouncilMatcher()
    rows = []
    for reader in row_readers(header, data, positions, labels):
        number = reader.number
        if all(is_blank(value) for key, value in reader.cells.items() if key not in COUNCIL_KEYS):
            preview.skipped += 1
            continue
        council = _match_council(reader, councils)
        year = reader.read("financial_year", parse_financial_year, required=True)
        if year is not None and not agreement.first_year <= year <= agreement.last_year:
            reader.problem("financial_year", _("%(year)s is outside %(agreement)s.") % {
                "year": financial_year_label(year), "agreement": agreement})
        values = _read_values(kind, reader, today=today)
        preview.problems.extend(reader.problems)
        if not reader.problems:
            rows.append(_row(number, council, year, values))

    rows = _without_repeats(kind, rows, preview)
    if kind == ImportKind.CONTRIBUTIONS:
        _plan_contributions(agreement, rows, preview, labels)
    else:
        _plan_payments(agreement, rows, preview, labels)
    preview.rows = rows
    return preview.finish()


def _payment_key(council_id, year, values):
    return (council_id, year, values["paid_on"], values["amount"], values["reference"])


def _without_repeats(kind, rows, preview):
    seen, kept = {}, []
    for row in rows:
        council, year = row.values["council"], row.values["financial_year"]
        if kind == ImportKind.CONTRIBUTIONS:
            key = (council.pk, year)
            message = _("this repeats row %(first)s (%(council)s, %(year)s): give each council and year once.")
        else:
            key = _payment_key(council.pk, year, row.values)
            message = _("this repeats the payment in row %(first)s (%(council)s, %(year)s, same date, amount and "
                        "reference).")
        if key in seen:
            preview.problems.append(ImportProblem(row.number, None, message % {"first": seen[key], **_label(row)}))
        else:
            seen[key] = row.number
            kept.append(row)
    return kept


def _existing_contributions(rows):
    councils = {row.values["council"].pk for row in rows}
    years = {row.values["financial_year"] for row in rows}
    queryset = contributions_with_figures(
        Contribution.objects.filter(council_id__in=councils, financial_year__in=years), on=datetime.date.max,
    ).select_related("agreement", "council")
    return {(c.council_id, c.financial_year): c for c in queryset}


def _plan_contributions(agreement, rows, preview, labels):
    existing = _existing_contributions(rows)
    for row in rows:
        current = existing.get((row.values["council"].pk, row.values["financial_year"]))
        if current is None:
            row.action = "create"
            continue
        row.existing = current
        if current.agreement_id != agreement.pk:
            preview.problems.append(ImportProblem(row.number, labels["financial_year"], _(
                "%(council)s already has a contribution for %(year)s under %(agreement)s."
            ) % {**_label(row), "agreement": current.agreement}))
            continue
        if row.values["amount_due"] < current.paid:
            preview.problems.append(ImportProblem(row.number, labels["amount_due"], _(
                "%(council)s has already paid %(paid)s for %(year)s: the amount due cannot be less."
            ) % {**_label(row), "paid": _money_text(current.paid)}))
            continue
        for name in ("amount_due", "due_date", "invoice_number", "invoice_date"):
            old, new = getattr(current, name), row.values[name]
            if name in ("invoice_number", "invoice_date") and new in (None, ""):
                continue  # a blank invoice cell keeps what is recorded
            if old != new:
                row.changes.append(ImportChange(labels[name], display_value(name, old), display_value(name, new)))
        row.action = "update" if row.changes else "unchanged"


def _plan_payments(agreement, rows, preview, labels):
    existing = _existing_contributions(rows)
    recorded = set()
    contribution_ids = [c.pk for c in existing.values()]
    for payment in Payment.objects.filter(contribution_id__in=contribution_ids).select_related("contribution"):
        recorded.add(_payment_key(payment.contribution.council_id, payment.contribution.financial_year, {
            "paid_on": payment.paid_on, "amount": payment.amount, "reference": payment.reference}))
    paid = {key: contribution.paid for key, contribution in existing.items()}
    for row in rows:
        key = (row.values["council"].pk, row.values["financial_year"])
        contribution = existing.get(key)
        if contribution is None or contribution.agreement_id != agreement.pk:
            preview.problems.append(ImportProblem(row.number, labels["financial_year"], _(
                "%(council)s has no contribution for %(year)s under %(agreement)s: "
                "add or import the contribution first."
            ) % {**_label(row), "agreement": agreement}))
            continue
        row.existing = contribution
        if _payment_key(*key, row.values) in recorded:
            row.action = "unchanged"
            continue
        row.action = "create"
        paid[key] += row.values["amount"]
        if paid[key] > contribution.amount_due:
            preview.problems.append(ImportProblem(row.number, labels["amount"], _(
                "with this payment %(council)s would have paid %(total)s for %(year)s, more than the %(due)s due."
            ) % {**_label(row), "total": _money_text(paid[key]), "due": _money_text(contribution.amount_due)}))


@transaction.atomic
def contributions_import_apply(*, user, agreement, kind, content: bytes, filename: str, expected_plan: str = "",
                               today: datetime.date | None = None) -> ImportPreview:
    """Check the file again and apply it in one transaction: all its rows, or nothing.

    Idempotent: a contribution row equal to what is recorded and a payment already recorded change nothing,
    so importing the same file twice changes nothing the second time. With `expected_plan` (the
    `plan_digest` of the preview the person confirmed), a ledger changed since the preview is refused.
    """
    _require_manager(user)
    agreement = FundingAgreement.objects.select_for_update().get(pk=agreement.pk)
    list(Contribution.objects.select_for_update().filter(agreement=agreement).values_list("pk", flat=True))
    preview = contributions_import_check(user=user, agreement=agreement, kind=kind, content=content,
                                         filename=filename, today=today)
    check_plan_unchanged(preview, expected_plan)
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        values = row.values
        if kind == ImportKind.PAYMENTS:
            _save(Payment(contribution_id=row.existing.pk, amount=values["amount"], paid_on=values["paid_on"],
                          reference=values["reference"]), user)
            continue
        if row.action == "create":
            contribution = Contribution(agreement=agreement, council=values["council"],
                                        financial_year=values["financial_year"])
        else:
            contribution = Contribution.objects.get(pk=row.existing.pk)
        contribution.amount_due, contribution.due_date = values["amount_due"], values["due_date"]
        if values["invoice_number"]:
            contribution.invoice_number = values["invoice_number"]
        if values["invoice_date"]:
            contribution.invoice_date = values["invoice_date"]
        _check_contribution(contribution)
        _save(contribution, user)
    return preview
