"""The funding pages' reads: the ledger, an agreement's, a year's and a council's, one contribution or payment,
and the export."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import commitments, policies
from ..filtersets import ContributionFilterSet
from ..models import (
    Contribution,
    Council,
    FundingAgreement,
    Payment,
    financial_year_label,
)
from .figures import (
    AgreementRow,
    Figures,
    _by_council,
    _by_year,
    contributions_with_figures,
    figures_of,
    ledger_rows,
    visible_contributions,
)


def _require_all(user):
    if not policies.can_read_all_funding(user):
        raise PermissionDenied


def ledger(*, user, on: datetime.date | None = None) -> dict:
    """The office-wide ledger: totals, each agreement against the portfolio, each year, each council."""
    _require_all(user)
    rows = list(ledger_rows(Contribution.objects.all(), on=on))
    agreements = list(FundingAgreement.objects.all())
    committed = commitments.committed_budgets(agreements)
    by_agreement = {agreement.pk: Figures() for agreement in agreements}
    for row in rows:
        by_agreement[row.agreement_id].add(row)
    return {
        "figures": figures_of(rows),
        "agreements": [AgreementRow(a, by_agreement[a.pk], committed[a.pk]) for a in agreements],
        "years": _by_year(rows),
        "councils": _by_council(rows),
    }


def agreement_positions(*, user) -> list[AgreementRow]:
    """Each agreement's pooled budget against what the portfolio has committed in its period (the dashboard's
    funding position), latest first. Two queries; no contribution figures."""
    _require_all(user)
    agreements = list(FundingAgreement.objects.order_by("-first_year"))
    committed = commitments.committed_budgets(agreements)
    return [AgreementRow(agreement, Figures(), committed[agreement.pk]) for agreement in agreements]


def agreement_ledger(*, user, pk: int, on: datetime.date | None = None) -> dict:
    _require_all(user)
    agreement = get_object_or_404(FundingAgreement, pk=pk)
    rows = list(ledger_rows(Contribution.objects.filter(agreement=agreement), on=on))
    figures = figures_of(rows)
    return {
        "agreement": agreement,
        "summary": AgreementRow(agreement, figures, commitments.committed_budgets([agreement])[agreement.pk]),
        "figures": figures,
        "years": _by_year(rows),
        "councils": _by_council(rows),
        "rows": rows,
    }


def year_ledger(*, user, year: int, on: datetime.date | None = None) -> dict:
    _require_all(user)
    rows = list(ledger_rows(Contribution.objects.filter(financial_year=year), on=on))
    agreement = FundingAgreement.objects.filter(first_year__lte=year, last_year__gte=year).first()
    if not rows and agreement is None:
        raise Http404
    return {
        "year": year,
        "year_label": financial_year_label(year),
        "agreement": agreement,
        "rows": rows,
        "figures": figures_of(rows),
    }


def council_ledger(*, user, slug: str, on: datetime.date | None = None) -> dict:
    """One council's full contribution history. Another council's page is a 404 for council staff."""
    council = get_object_or_404(Council, slug=slug)
    if not policies.can_read_council_funding(user, council.pk):
        raise Http404
    rows = list(
        ledger_rows(visible_contributions(user=user).filter(council=council), on=on).prefetch_related("payments")
    )
    return {"council": council, "rows": rows, "figures": figures_of(rows)}


def contribution_detail(*, user, pk: int, on: datetime.date | None = None):
    """One contribution the person may read, with its payments; a 404 otherwise."""
    return get_object_or_404(
        contributions_with_figures(visible_contributions(user=user), on=on)
        .select_related("council", "agreement")
        .prefetch_related("payments"),
        pk=pk,
    )


def payment_detail(*, user, pk: int):
    return get_object_or_404(
        Payment.objects.select_related("contribution__council", "contribution__agreement").filter(
            contribution__in=visible_contributions(user=user)
        ),
        pk=pk,
    )


def contributions_for_export(*, user, filterset_data=None, on: datetime.date | None = None):
    """The contributions a person may read, narrowed by the ContributionFilterSet, as ledger rows."""
    queryset = visible_contributions(user=user)
    filterset = ContributionFilterSet(filterset_data or None, queryset=queryset)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return ledger_rows(queryset, on=on)


def agreement_totals() -> list[dict]:
    """Each funding agreement's title, years and budget: what the public portfolio shows when the office turns on
    agreement totals (settings.PUBLIC_SHOW_FUNDING_TOTALS); never a council's contributions."""
    return list(FundingAgreement.objects.order_by("first_year").values("title", "first_year", "last_year", "budget"))
