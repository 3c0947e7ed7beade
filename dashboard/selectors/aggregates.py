"""What the dashboard's modules share: the axes, sums of money, capped lists and their shape."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    DecimalField,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from initiatives import selectors as portfolio

if TYPE_CHECKING:
    pass


FILTERS = ("theme", "outcome", "lead_council", "council", "stage")
LIST_LIMIT = 10
TREND_PERIODS = 12
AXES = portfolio.RAG_AXES
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")


def axis_label(axis: str) -> str:
    return portfolio.rag_axis_label(axis)


def rag_label(rag: str | None) -> str:
    return str(portfolio.Rag(rag).label) if rag in portfolio.Rag.values else _("Not rated")


def money_sum(expression, **extra):
    return Coalesce(Sum(expression, **extra), Value(ZERO, output_field=MONEY), output_field=MONEY)


def capped(queryset, limit=LIST_LIMIT) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query (a window count)."""
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[:limit])
    return rows, (rows[0].total_rows if rows else 0)


# The name under which the workflow's counts join each initiative's update for a period
# (portfolio.update_for_period): one pass over the rows, not one look-up per row.
PERIOD_UPDATE = "period_update"


def not_reported() -> Q:
    """Rows joined to their update for a period (PERIOD_UPDATE) that have none submitted or approved."""
    return Q(period_update__isnull=True) | ~Q(period_update__state__in=portfolio.REPORTED_STATES)


def percent(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass
class AttentionList:
    title: str
    items: list
    count: int
    link: str | None = None


