"""A contribution's history, as the funding pages show it."""

import datetime
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.history import HistorySource, change_history

from ..models import (
    Contribution,
    Payment,
    financial_year_label,
)

# -- history ------------------------------------------------------------------------------------

HISTORY_FIELDS = {
    "contribution": ["financial_year", "amount_due", "due_date", "invoice_number", "invoice_date", "notes"],
    "payment": ["amount", "paid_on", "reference"],
}


def display_value(name, value):
    """A value as the history shows it: pounds and pence, dates in words, years as 2017/18."""
    if value in (None, ""):
        return None
    if name == "financial_year":
        return financial_year_label(value)
    if isinstance(value, Decimal):
        return f"£{value:,.2f}"
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return value


def contribution_history(contribution, *, limit: int = 100) -> list[dict]:
    """Who changed the contribution and its payments, when, with each value before and after; newest first."""
    return change_history(
        [
            HistorySource(
                "contribution",
                Contribution.history.filter(id=contribution.pk),
                lambda record: _("the contribution"),
                fields=HISTORY_FIELDS["contribution"],
            ),
            HistorySource(
                "payment",
                Payment.history.filter(contribution_id=contribution.pk),
                lambda record: _("a payment"),
                fields=HISTORY_FIELDS["payment"],
            ),
        ],
        display=display_value,
        limit=limit,
    )
