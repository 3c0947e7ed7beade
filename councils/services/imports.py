"""Importing a spreadsheet of contributions or payments: check the whole file first (nothing saved), then apply
it in one transaction. Importing the same file twice changes nothing the second time."""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Contribution, Council, CouncilCodeAlias, FundingAgreement, Payment, financial_year_label
from ..selectors import contributions_with_figures, display_value
from ..spreadsheets import UnreadableFile, read_table
from .ledger import PENNY, _check_contribution, _money_text, _require_manager, _save

# -- spreadsheet import -------------------------------------------------------------------------


class ImportKind:
    CONTRIBUTIONS = "contributions"
    PAYMENTS = "payments"
    CHOICES = [
        (CONTRIBUTIONS, gettext_lazy("Contributions: what each council owes for each year, and its invoice")),
        (PAYMENTS, gettext_lazy("Payments: what each council has paid")),
    ]


@dataclass(frozen=True)
class ImportColumn:
    key: str
    label: str
    aliases: tuple = ()
    required: bool = False


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
    number: int
    council: Council
    financial_year: int
    values: dict
    action: str = "create"  # create, update or unchanged
    changes: list = field(default_factory=list)
    existing: object = None

    @property
    def year_label(self):
        return financial_year_label(self.financial_year)


@dataclass
class ImportPreview:
    """What importing a file would do, worked out without saving anything."""

    kind: str
    agreement: FundingAgreement
    filename: str
    digest: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    skipped: int = 0

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

    @property
    def plan_digest(self) -> str:
        """A fingerprint of what applying would do, so a ledger changed since the preview is noticed."""
        plan = [(row.number, row.action, [(c.field, str(c.old), str(c.new)) for c in row.changes]) for row in self.rows]
        return hashlib.sha256(json.dumps(plan).encode()).hexdigest()


class ImportRejected(ValidationError):
    """The file has problems; nothing was saved. `preview.problems` names each row and column."""

    def __init__(self, preview):
        self.preview = preview
        super().__init__([str(problem) for problem in preview.problems] or [_("The import was refused.")])


def _normal_header(text) -> str:
    text = str(text or "").lower().replace("£", "")
    return re.sub(r"[^a-z0-9]+", "", text)


def _normal_name(text) -> str:
    text = str(text or "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    text = re.sub(r" council$", "", text)
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _CellError(Exception):
    pass


def _parse_money(value) -> Decimal:
    if isinstance(value, bool):
        raise _CellError(_("“%(value)s” is not an amount of money. Write it in pounds, like 25000 or 25000.50.") % {
            "value": value})
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        shown = _text(value)
    else:
        shown = _text(value)
        cleaned = shown.replace("£", "").replace(",", "").replace(" ", "")
        if cleaned.startswith("(") and cleaned.endswith(")"):
            cleaned = "-" + cleaned[1:-1]
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise _CellError(_("“%(value)s” is not an amount of money. Write it in pounds, like 25000 or 25000.50.") % {
                "value": shown})
    if amount < 0:
        raise _CellError(_("%(value)s is negative: amounts cannot be below zero.") % {"value": shown})
    if amount != amount.quantize(PENNY):
        raise _CellError(_("“%(value)s” has more than two decimal places: give pounds and pence.") % {"value": shown})
    if amount >= Decimal("10000000000"):
        raise _CellError(_("%(value)s is too large.") % {"value": shown})
    return amount.quantize(PENNY)


_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$", re.IGNORECASE)


def _parse_year(value) -> int:
    text = _text(value)
    match = _YEAR.match(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        if end is None or int(end) % 100 == (start + 1) % 100:
            return start
    raise _CellError(_("“%(value)s” is not a financial year. Write it like 2017/18.") % {"value": text})


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 2958466:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    text = _text(value)
    for date_format in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise _CellError(_("“%(value)s” is not a date. Write it like 2017-06-30 or 30/06/2017.") % {"value": text})


class _Councils:
    """Every council, found by current GSS code, old GSS code, name or short name (two queries)."""

    def __init__(self):
        councils = list(Council.objects.all())
        self.by_code = {c.gss_code.upper(): c for c in councils}
        by_pk = {c.pk: c for c in councils}
        for alias in CouncilCodeAlias.objects.all():
            self.by_code[alias.old_code.upper()] = by_pk[alias.council_id]
        self.by_name = {}
        for council in councils:
            for name in (council.name, council.short_name, council.slug):
                self.by_name[_normal_name(name)] = council

    def find(self, text: str):
        return self.by_code.get(text.strip().upper()) or self.by_name.get(_normal_name(text))


def _map_columns(header, kind):
    """Which file column holds which field; problems for a missing or repeated column."""
    columns = IMPORT_COLUMNS[kind]
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
    if "council" not in positions and "gss_code" not in positions:
        problems.append(ImportProblem(None, None, _(
            "The file has no “Council” or “GSS code” column. "
            "The first row must name the columns, as in the template.")))
    for column in columns:
        if column.required and column.key not in positions:
            problems.append(ImportProblem(None, None, _(
                "The file has no “%(column)s” column. The first row must name the columns, as in the template."
            ) % {"column": column.label}))
    return positions, problems


def _cells(row, positions):
    return {key: (row[index] if index < len(row) else None) for key, index in positions.items()}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
    preview = ImportPreview(kind=kind, agreement=agreement, filename=filename,
                            digest=hashlib.sha256(content).hexdigest())
    try:
        header, data = read_table(content, filename)
    except UnreadableFile as error:
        preview.problems.append(ImportProblem(None, None, str(error)))
        return preview
    positions, problems = _map_columns(header, kind)
    if problems:
        preview.problems.extend(problems)
        return preview
    if not data:
        preview.problems.append(ImportProblem(None, None, _("The file has a header row but no rows of data.")))
        return preview

    labels = {column.key: str(column.label) for column in IMPORT_COLUMNS[kind]}
    councils = _Councils()
    parsed = []
    for number, row in data:
        cells = _cells(row, positions)
        if all(_blank(value) for key, value in cells.items() if key not in COUNCIL_KEYS):
            preview.skipped += 1
            continue
        row_problems = []

        def problem(key, message, number=number, row_problems=row_problems):
            row_problems.append(ImportProblem(number, labels[key], message))

        council = _match_council(cells, councils, problem)
        year = None
        if _blank(cells.get("financial_year")):
            problem("financial_year", _("this cell is empty."))
        else:
            try:
                year = _parse_year(cells["financial_year"])
            except _CellError as error:
                problem("financial_year", str(error))
            else:
                if not agreement.first_year <= year <= agreement.last_year:
                    problem("financial_year", _("%(year)s is outside %(agreement)s.") % {
                        "year": financial_year_label(year), "agreement": agreement})
        values = _parse_values(kind, cells, problem, today=today)
        preview.problems.extend(row_problems)
        if not row_problems:
            parsed.append(ImportRow(number=number, council=council, financial_year=year, values=values))

    _check_duplicates(kind, parsed, preview)
    if kind == ImportKind.CONTRIBUTIONS:
        _plan_contributions(agreement, parsed, preview, labels)
    else:
        _plan_payments(agreement, parsed, preview, labels)
    preview.problems.sort(key=lambda p: (p.row or 0))
    if preview.problems:
        preview.rows = []
    else:
        preview.rows = parsed
    return preview


def _match_council(cells, councils, problem):
    code, name = _text(cells.get("gss_code")), _text(cells.get("council"))
    by_code = councils.find(code) if code else None
    by_name = councils.find(name) if name else None
    if code and by_code is None:
        problem("gss_code", _("no council has the GSS code “%(code)s”.") % {"code": code})
        return None
    if name and by_name is None and not code:
        problem("council", _(
            "no council matches “%(name)s”. Use the council's GSS code (like S12000049), an old GSS code, or its name."
        ) % {"name": name})
        return None
    if by_code and by_name and by_code != by_name:
        problem("council", _("GSS code %(code)s is %(council)s, but this column says “%(name)s”.") % {
            "code": code, "council": by_code, "name": name})
        return None
    if not code and not name:
        problem("council", _("this cell is empty: give the council's GSS code or name."))
        return None
    return by_code or by_name


def _parse_values(kind, cells, problem, *, today):
    values = {}

    def parse(key, parser, required):
        value = cells.get(key)
        if _blank(value):
            if required:
                problem(key, _("this cell is empty."))
            return None
        try:
            return parser(value)
        except _CellError as error:
            problem(key, str(error))
            return None

    if kind == ImportKind.CONTRIBUTIONS:
        values["amount_due"] = parse("amount_due", _parse_money, True)
        values["due_date"] = parse("due_date", _parse_date, True)
        values["invoice_number"] = _text(cells.get("invoice_number"))
        values["invoice_date"] = parse("invoice_date", _parse_date, False)
        if len(values["invoice_number"]) > 50:
            problem("invoice_number", _("this is longer than %(max)s characters.") % {"max": 50})
        if values["invoice_number"] and _blank(cells.get("invoice_date")):
            problem("invoice_date", _("an invoice number needs its invoice date."))
    else:
        values["amount"] = parse("amount", _parse_money, True)
        if values["amount"] is not None and values["amount"] == 0:
            problem("amount", _("a payment must be more than £0."))
        values["paid_on"] = parse("paid_on", _parse_date, True)
        if values["paid_on"] and values["paid_on"] > today:
            problem("paid_on", _("%(date)s is in the future.") % {"date": values["paid_on"].strftime("%d/%m/%Y")})
        values["reference"] = _text(cells.get("reference"))
        if len(values["reference"]) > 100:
            problem("reference", _("this is longer than %(max)s characters.") % {"max": 100})
    return values


def _payment_key(council_id, year, values):
    return (council_id, year, values["paid_on"], values["amount"], values["reference"])


def _check_duplicates(kind, rows, preview):
    seen = {}
    kept = []
    for row in rows:
        if kind == ImportKind.CONTRIBUTIONS:
            key = (row.council.pk, row.financial_year)
            message = _("this repeats row %(first)s (%(council)s, %(year)s): give each council and year once.")
        else:
            key = _payment_key(row.council.pk, row.financial_year, row.values)
            message = _("this repeats the payment in row %(first)s (%(council)s, %(year)s, same date, amount and "
                        "reference).")
        if key in seen:
            preview.problems.append(ImportProblem(row.number, None, message % {
                "first": seen[key], "council": row.council, "year": row.year_label}))
        else:
            seen[key] = row.number
            kept.append(row)
    rows[:] = kept


def _existing_contributions(rows):
    councils = {row.council.pk for row in rows}
    years = {row.financial_year for row in rows}
    queryset = contributions_with_figures(
        Contribution.objects.filter(council_id__in=councils, financial_year__in=years), on=datetime.date.max,
    ).select_related("agreement", "council")
    return {(c.council_id, c.financial_year): c for c in queryset}


def _plan_contributions(agreement, rows, preview, labels):
    existing = _existing_contributions(rows)
    fields = ("amount_due", "due_date", "invoice_number", "invoice_date")
    for row in rows:
        current = existing.get((row.council.pk, row.financial_year))
        if current is None:
            row.action = "create"
            continue
        row.existing = current
        if current.agreement_id != agreement.pk:
            preview.problems.append(ImportProblem(row.number, labels["financial_year"], _(
                "%(council)s already has a contribution for %(year)s under %(agreement)s."
            ) % {"council": row.council, "year": row.year_label, "agreement": current.agreement}))
            continue
        if row.values["amount_due"] < current.paid:
            preview.problems.append(ImportProblem(row.number, labels["amount_due"], _(
                "%(council)s has already paid %(paid)s for %(year)s: the amount due cannot be less."
            ) % {"council": row.council, "paid": _money_text(current.paid), "year": row.year_label}))
            continue
        for name in fields:
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
        key = (row.council.pk, row.financial_year)
        contribution = existing.get(key)
        if contribution is None or contribution.agreement_id != agreement.pk:
            preview.problems.append(ImportProblem(row.number, labels["financial_year"], _(
                "%(council)s has no contribution for %(year)s under %(agreement)s: "
                "add or import the contribution first."
            ) % {"council": row.council, "year": row.year_label, "agreement": agreement}))
            continue
        row.existing = contribution
        if _payment_key(row.council.pk, row.financial_year, row.values) in recorded:
            row.action = "unchanged"
            continue
        row.action = "create"
        paid[key] += row.values["amount"]
        if paid[key] > contribution.amount_due:
            preview.problems.append(ImportProblem(row.number, labels["amount"], _(
                "with this payment %(council)s would have paid %(total)s for %(year)s, more than the %(due)s due."
            ) % {"council": row.council, "total": _money_text(paid[key]), "year": row.year_label,
                 "due": _money_text(contribution.amount_due)}))


class ImportChanged(ValidationError):
    pass


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
    if not preview.is_valid:
        raise ImportRejected(preview)
    if expected_plan and preview.plan_digest != expected_plan:
        raise ImportChanged(_("The ledger changed after you previewed this file, so nothing was saved. "
                              "Check the new preview and confirm again."))
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        if kind == ImportKind.CONTRIBUTIONS:
            if row.action == "create":
                contribution = Contribution(agreement=agreement, council=row.council, financial_year=row.financial_year,
                                            amount_due=row.values["amount_due"], due_date=row.values["due_date"],
                                            invoice_number=row.values["invoice_number"],
                                            invoice_date=row.values["invoice_date"])
            else:
                contribution = Contribution.objects.get(pk=row.existing.pk)
                contribution.amount_due = row.values["amount_due"]
                contribution.due_date = row.values["due_date"]
                if row.values["invoice_number"]:
                    contribution.invoice_number = row.values["invoice_number"]
                if row.values["invoice_date"]:
                    contribution.invoice_date = row.values["invoice_date"]
            _check_contribution(contribution)
            _save(contribution, user)
        else:
            _save(Payment(contribution_id=row.existing.pk, amount=row.values["amount"], paid_on=row.values["paid_on"],
                          reference=row.values["reference"]), user)
    return preview
