"""Importing a council's contracts register from XLSX or CSV, on the portal's import framework (core.imports):
the whole file checked first (nothing saved), then applied in one transaction, all of it or nothing. A row creates
the contract with its council and reference, or updates it. The template and the export have the same columns."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import (
    CellError,
    ImportChange,
    ImportColumn,
    ImportPreview,
    ImportRow,
    cell_text,
    check_plan_unchanged,
    import_start,
    parse_date,
    parse_money,
    row_readers,
)
from councils.selectors import CouncilMatcher

from .. import policies
from ..cpv import cpv_find
from ..models import Contract
from .records import _check_owner

IMPORT_COLUMNS = [
    ImportColumn("council", gettext_lazy("Council"), ("gss code", "council name", "local authority")),
    ImportColumn("reference", gettext_lazy("Reference"), ("contract reference", "ref"), required=True),
    ImportColumn("title", gettext_lazy("Title"), ("contract title", "description"), required=True),
    ImportColumn("kind", gettext_lazy("Kind"), ("contract type", "type")),
    ImportColumn("route", gettext_lazy("Route to market"), ("route", "procurement route", "framework")),
    ImportColumn("supplier_name", gettext_lazy("Supplier"), ("supplier name", "contractor"), required=True),
    ImportColumn("supplier_company_number", gettext_lazy("Companies House number"),
                 ("company number", "companies house", "crn")),
    ImportColumn("cpv_code", gettext_lazy("CPV code"), ("cpv", "category"), required=True),
    ImportColumn("product", gettext_lazy("Product or system"), ("product", "system")),
    ImportColumn("value", gettext_lazy("Value (£)"), ("contract value", "total value"), required=True),
    ImportColumn("value_basis", gettext_lazy("Value basis"), ("basis",)),
    ImportColumn("start_date", gettext_lazy("Start date"), ("start",), required=True),
    ImportColumn("initial_end_date", gettext_lazy("End date"), ("initial end date", "expiry", "expiry date"),
                 required=True),
    ImportColumn("extension_count", gettext_lazy("Extension options"), ("extensions",)),
    ImportColumn("extension_months", gettext_lazy("Extension length (months)"), ("extension months",)),
    ImportColumn("maximum_end_date", gettext_lazy("Maximum extent"), ("maximum end date", "final end date")),
    ImportColumn("notice_months", gettext_lazy("Notice period (months)"), ("notice", "notice months")),
    ImportColumn("review_date", gettext_lazy("Review date"), ("review",)),
    ImportColumn("notes", gettext_lazy("Notes"), ("comments",)),
]
LABELS = {column.key: str(column.label) for column in IMPORT_COLUMNS}
COMPARED = ("title", "kind", "route", "supplier_name", "supplier_company_number", "cpv_code", "product", "value",
            "value_basis", "start_date", "initial_end_date", "extension_count", "extension_months",
            "maximum_end_date", "notice_months", "review_date", "notes")


def _choice(choices):
    def parse(value):
        text = cell_text(value).lower()
        for stored, label in choices:
            if text in (stored.lower(), str(label).lower()):
                return stored
        raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {
            "value": cell_text(value), "choices": ", ".join(str(label) for _stored, label in choices)})
    return parse


def _whole(value):
    text = cell_text(value)
    if not text.isdigit() or int(text) > 120:
        raise CellError(_("“%(value)s” is not a whole number from 0 to 120.") % {"value": text})
    return int(text)


def _cpv(value):
    code = cpv_find(cell_text(value))
    if code is None:
        raise CellError(_("“%(value)s” is not a CPV code of the register's list (like 48445000-9).") % {
            "value": cell_text(value)})
    return code


def _council(reader, councils, user):
    own = policies.own_council_id(user)
    text = cell_text(reader.cells.get("council"))
    if not text:
        if own is None:
            reader.problem("council", _("this cell is empty: give the council's GSS code or name."))
        return councils.find_pk(own) if own else None
    council = councils.find(text)
    if council is None:
        reader.problem("council", councils.no_match_message(text))
        return None
    if not policies.can_record_for(user, council.pk):
        reader.problem("council", _("you may only import contracts of your own council."))
        return None
    return council


class _Councils(CouncilMatcher):
    def find_pk(self, pk):
        return next((c for c in self.by_code.values() if c.pk == pk), None)


def contracts_import_check(*, user, content: bytes, filename: str) -> ImportPreview:
    """Read and check a whole register; save nothing. Every problem is named with its row and column."""
    if not policies.can_record_any(user):
        raise PermissionDenied(_("Only the Digital Office and council editors import contracts."))
    preview, header, data, positions = import_start(content, filename, IMPORT_COLUMNS)
    if preview.problems:
        return preview
    councils = _Councils()
    rows, seen = [], {}
    for reader in row_readers(header, data, positions, LABELS):
        council = _council(reader, councils, user)
        values = {
            "reference": reader.text("reference", max_length=50),
            "title": reader.text("title", max_length=200),
            "kind": reader.read("kind", _choice(Contract.Kind.choices), required=False) or Contract.Kind.COUNCIL,
            "route": reader.read("route", _choice(Contract.Route.choices), required=False)
            or Contract.Route.OWN_TENDER,
            "supplier_name": reader.text("supplier_name", max_length=200),
            "supplier_company_number": reader.text("supplier_company_number", max_length=8).upper(),
            "cpv_code": reader.read("cpv_code", _cpv, required=True),
            "product": reader.text("product", max_length=200),
            "value": reader.read("value", parse_money, required=True),
            "value_basis": reader.read("value_basis", _choice(Contract.ValueBasis.choices), required=False)
            or Contract.ValueBasis.COMMITTED,
            "start_date": reader.read("start_date", parse_date, required=True),
            "initial_end_date": reader.read("initial_end_date", parse_date, required=True),
            "extension_count": reader.read("extension_count", _whole, required=False) or 0,
            "extension_months": reader.read("extension_months", _whole, required=False) or 0,
            "maximum_end_date": reader.read("maximum_end_date", parse_date, required=False),
            "notice_months": reader.read("notice_months", _whole, required=False) or 0,
            "review_date": reader.read("review_date", parse_date, required=False),
            "notes": reader.text("notes", max_length=5000),
        }
        for key in ("reference", "title", "supplier_name"):
            if not values[key]:
                reader.problem(key, _("this cell is empty."))
        if not reader.problems:
            _check_row(reader, council, values)
        if not reader.problems:
            key = (getattr(council, "pk", None), values["reference"])
            if key in seen:
                reader.problem("reference", _("this repeats row %(first)s: give each contract once.") % {
                    "first": seen[key]})
            seen[key] = reader.number
        preview.problems.extend(reader.problems)
        if not reader.problems:
            rows.append(ImportRow(number=reader.number, values={"council": council, **values}))
    _plan(rows)
    preview.rows = rows
    return preview.finish()


def _check_row(reader, council, values):
    """The model's own rules (end after start, both extension cells, maximum extent), named by column."""
    contract = Contract(council=council, **values)
    try:
        contract.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                reader.problem(name if name in LABELS else None, message)


def _plan(rows):
    if not rows:
        return
    wanted = {(getattr(row.values["council"], "pk", None), row.values["reference"]) for row in rows}
    existing = {
        (c.council_id, c.reference): c
        for c in Contract.objects.filter(reference__in={ref for _council, ref in wanted})
    }
    for row in rows:
        current = existing.get((getattr(row.values["council"], "pk", None), row.values["reference"]))
        if current is None:
            continue
        row.existing = current
        for name in COMPARED:
            old, new = getattr(current, name), row.values[name]
            if old != new:
                row.changes.append(ImportChange(LABELS.get(name, name), _shown(old), _shown(new)))
        row.action = "update" if row.changes else "unchanged"


def _shown(value):
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


@transaction.atomic
def contracts_import_apply(*, user, content: bytes, filename: str, expected_plan: str = "") -> ImportPreview:
    """Check the file again and apply it in one transaction: all its rows, or nothing."""
    preview = contracts_import_check(user=user, content=content, filename=filename)
    check_plan_unchanged(preview, expected_plan)
    for row in preview.rows:
        if row.action == "unchanged":
            continue
        values = dict(row.values)
        council = values.pop("council")
        contract = Contract.objects.select_for_update().get(pk=row.existing.pk) if row.existing else Contract(
            council=council)
        for name, value in values.items():
            setattr(contract, name, value)
        contract._history_user = user if getattr(user, "pk", None) else None
        contract.full_clean()
        _check_owner(contract)
        contract.save()
    return preview
