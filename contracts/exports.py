"""The register's CSV and XLSX columns: the export has the import's columns (so an export can be edited and
imported back), and the radar's export lists its expiries."""

from django.utils.translation import gettext_lazy as _

from core.exports import Column

from .services.imports import IMPORT_COLUMNS


def _date(value):
    return value.isoformat() if value else ""


def _register_value(key):
    def value(contract):
        if key == "council":
            return contract.council.gss_code if contract.council else ""
        found = getattr(contract, key)
        if hasattr(found, "isoformat"):
            return _date(found)
        return found
    return value


REGISTER_COLUMNS = [Column(str(column.label), _register_value(column.key)) for column in IMPORT_COLUMNS]

RADAR_COLUMNS = [
    Column(_("Council"), lambda e: e.council.name),
    Column(_("GSS code"), lambda e: e.council.gss_code),
    Column(_("Reference"), lambda e: e.contract.reference),
    Column(_("Title"), lambda e: e.contract.title),
    Column(_("CPV code"), lambda e: e.contract.cpv_code),
    Column(_("Category"), lambda e: e.contract.category_name),
    Column(_("Supplier"), lambda e: e.contract.supplier_name),
    Column(_("Product or system"), lambda e: e.contract.product),
    Column(_("Ends"), lambda e: _date(e.end_date)),
    Column(_("Notice by"), lambda e: _date(e.contract.notice_date) if e.contract.notice_months else ""),
]
