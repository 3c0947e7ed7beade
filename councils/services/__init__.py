"""Writes to the funding ledger (`ledger`) and spreadsheet imports (`imports`). Import services from here."""

from .imports import IMPORT_COLUMNS, ImportKind, contributions_import_apply, contributions_import_check
from .ledger import (
    CONTRIBUTION_EDITABLE,
    PAYMENT_EDITABLE,
    agreement_create,
    agreement_update,
    contribution_create,
    contribution_record_payment,
    contribution_update,
    payment_delete,
    payment_update,
)

__all__ = [
    "CONTRIBUTION_EDITABLE", "IMPORT_COLUMNS", "PAYMENT_EDITABLE", "ImportKind", "agreement_create",
    "agreement_update", "contribution_create", "contribution_record_payment", "contribution_update",
    "contributions_import_apply", "contributions_import_check", "payment_delete", "payment_update",
]
