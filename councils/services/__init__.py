"""Writes to the funding ledger (`ledger`), spreadsheet imports (`imports`), the daily refresh of figures that
change with the date (`figures`) and single sign-on's e-mail domains and matching (`people`). Import services from
here."""

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
from .people import (
    SSOOutcome,
    SSORefused,
    council_set_sso_viewers,
    email_domain_add,
    email_domain_remove,
    sso_sign_in,
)

__all__ = [
    "CONTRIBUTION_EDITABLE", "IMPORT_COLUMNS", "PAYMENT_EDITABLE", "ImportKind", "SSOOutcome", "SSORefused",
    "agreement_create", "council_set_sso_viewers", "email_domain_add", "email_domain_remove", "sso_sign_in",
    "agreement_update", "contribution_create", "contribution_figures_refresh", "contribution_record_payment",
    "contribution_update",
    "contributions_import_apply", "contributions_import_check", "payment_delete", "payment_update",
]
