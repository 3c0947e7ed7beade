"""The funding ledger's figures: each contribution's status and what is paid and outstanding (worked out in one
query, never stored), who sees which contributions, and the adding up by year, council and agreement."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import policies
from ..models import (
    Contribution,
    Council,
    FundingAgreement,
    Payment,
    financial_year_label,
)

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
PENNY = Decimal("0.01")
# Half a penny: sums of pence are compared with this margin, as SQLite adds decimals as floating point.
HALF_PENNY = Decimal("0.005")


class Pounds(ExpressionWrapper):
    """An amount of money worked out in the database, read back as pounds and pence (SQLite adds decimals as
    floating point, so 0.70 + 0.10 comes back as 0.7999...; it is rounded to the penny here)."""

    def __init__(self, expression):
        super().__init__(expression, output_field=MONEY)

    def convert_value(self, value, expression, connection):
        return None if value is None else Decimal(value).quantize(PENNY)


def today() -> datetime.date:
    return timezone.localdate()


# -- status -------------------------------------------------------------------------------------


def contribution_status(contribution, *, on: datetime.date | None = None, paid: Decimal | None = None) -> str:
    """The status of a contribution on a day (today unless `on` is given). It is derived, never typed.

    In this order, the first that holds:

    - **paid**: the payments made by that day add up to the amount due (or more);
    - **overdue**: something is still outstanding and the day is after the due date. On the due date
      itself the contribution is not yet overdue;
    - **part paid**: some payment has been made, but not all, and it is not yet overdue;
    - **invoiced**: nothing paid yet, and an invoice was sent on or before that day;
    - **due**: nothing paid and no invoice yet.

    Payments dated after `on` do not count yet. `paid` may be given when it is already known (from the
    `paid` annotation of `contributions_with_figures`); otherwise it is added up from the contribution's payments.
    """
    on = on or today()
    if paid is None:
        paid = sum((p.amount for p in contribution.payments.all() if p.paid_on <= on), ZERO)
    outstanding = contribution.amount_due - paid
    if outstanding < HALF_PENNY:
        return Contribution.Status.PAID
    if on > contribution.due_date:
        return Contribution.Status.OVERDUE
    if paid > 0:
        return Contribution.Status.PART_PAID
    if contribution.invoice_date is not None and contribution.invoice_date <= on:
        return Contribution.Status.INVOICED
    return Contribution.Status.DUE


def contributions_with_figures(queryset=None, *, on: datetime.date | None = None):
    """Contributions annotated with `paid`, `outstanding` and `status` on a day, in one query.

    The annotations follow `contribution_status` exactly, so lists can filter and count by status in the
    database; `paid` counts only payments made on or before the day.
    """
    on = on or today()
    queryset = Contribution.objects.all() if queryset is None else queryset
    paid = (
        Payment.objects.filter(contribution=OuterRef("pk"), paid_on__lte=on)
        .order_by()
        .values("contribution")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.annotate(
        paid=Pounds(Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO, output_field=MONEY), output_field=MONEY)),
        outstanding=Pounds(F("amount_due") - F("paid")),
        status=Case(
            When(outstanding__lt=Value(HALF_PENNY, output_field=MONEY), then=Value(Contribution.Status.PAID)),
            When(due_date__lt=on, then=Value(Contribution.Status.OVERDUE)),
            When(paid__gt=Value(ZERO, output_field=MONEY), then=Value(Contribution.Status.PART_PAID)),
            When(invoice_date__lte=on, then=Value(Contribution.Status.INVOICED)),
            default=Value(Contribution.Status.DUE),
            output_field=CharField(),
        ),
    )


STATUS_LABELS = dict(Contribution.Status.choices)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# -- who sees what ------------------------------------------------------------------------------


def visible_contributions(*, user):
    """The contributions a person or partner key may read, in the pages and the API alike: all for the Digital
    Office and for keys with `funding:read`, their own council's for council staff, none for anyone else
    (another council's contribution is simply absent: a 404, never a 403)."""
    if policies.can_read_all_funding(user):
        return Contribution.objects.all()
    council_id = policies.own_council_id(user)
    if council_id:
        return Contribution.objects.filter(council_id=council_id)
    return Contribution.objects.none()


def ledger_rows(queryset, *, on: datetime.date | None = None):
    """Annotated contributions with what a ledger row shows, ordered by year then council."""
    return (
        contributions_with_figures(queryset, on=on)
        .select_related("council", "agreement")
        .order_by("financial_year", "council__name")
    )


# -- adding up ----------------------------------------------------------------------------------


@dataclass
class Figures:
    """Totals over a set of contributions (annotated by `contributions_with_figures`).

    `overdue` is the amount outstanding on overdue contributions. `paying_members` is the number of
    councils with something to pay (an amount due above zero) in the set.
    """

    due: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    contributions: int = 0
    councils: set = field(default_factory=set)
    statuses: Counter = field(default_factory=Counter)

    def add(self, contribution):
        self.due += contribution.amount_due
        self.paid += contribution.paid
        self.outstanding += contribution.outstanding
        if contribution.status == Contribution.Status.OVERDUE:
            self.overdue += contribution.outstanding
        self.contributions += 1
        if contribution.amount_due > 0:
            self.councils.add(contribution.council_id)
        self.statuses[contribution.status] += 1
        return self

    @property
    def paying_members(self) -> int:
        return len(self.councils)

    @property
    def paid_in_full(self) -> int:
        return self.statuses[Contribution.Status.PAID]

    @property
    def overdue_count(self) -> int:
        return self.statuses[Contribution.Status.OVERDUE]


def figures_of(contributions) -> Figures:
    figures = Figures()
    for contribution in contributions:
        figures.add(contribution)
    return figures


@dataclass
class YearRow:
    financial_year: int
    agreement: FundingAgreement
    figures: Figures

    @property
    def label(self):
        return financial_year_label(self.financial_year)


@dataclass
class CouncilRow:
    council: Council
    figures: Figures


@dataclass
class AgreementRow:
    agreement: FundingAgreement
    figures: Figures
    committed: Decimal

    @property
    def headroom(self) -> Decimal:
        """The pooled budget less what the portfolio has committed in the agreement's period."""
        return self.agreement.budget - self.committed


def _by_year(rows) -> list[YearRow]:
    years = {}
    for row in rows:
        key = (row.financial_year, row.agreement_id)
        if key not in years:
            years[key] = YearRow(financial_year=row.financial_year, agreement=row.agreement, figures=Figures())
        years[key].figures.add(row)
    return [years[key] for key in sorted(years)]


def _by_council(rows) -> list[CouncilRow]:
    councils = {}
    for row in rows:
        if row.council_id not in councils:
            councils[row.council_id] = CouncilRow(council=row.council, figures=Figures())
        councils[row.council_id].figures.add(row)
    return sorted(councils.values(), key=lambda r: r.council.name)
