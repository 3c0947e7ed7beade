"""Writes to the funding ledger (`ledger`), spreadsheet imports (`imports`) and the daily refresh of figures that
change with the date (`figures`). Import services from here. (Single sign-on's e-mail domains: people.services.)"""

from .figures import contribution_figures_refresh
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
    "CONTRIBUTION_EDITABLE",
    "IMPORT_COLUMNS",
    "PAYMENT_EDITABLE",
    "ImportKind",
    "agreement_create",
    "agreement_update",
    "contribution_create",
    "contribution_figures_refresh",
    "contribution_record_payment",
    "contribution_update",
    "contributions_import_apply",
    "contributions_import_check",
    "payment_delete",
    "payment_update",
]
