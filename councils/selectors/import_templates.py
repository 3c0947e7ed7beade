"""The funding import templates: which councils were members in which years, and the rows a template starts from."""

import datetime

from ..models import (
    Contribution,
    Council,
    PartnershipMembership,
    financial_year_label,
)
from .figures import ledger_rows
from .ledgers import _require_all

# -- import templates ---------------------------------------------------------------------------


def member_councils(years) -> dict[int, list]:
    """For each financial year, the councils in the partnership at some time during it (one query).

    All councils count as members when no membership is recorded at all."""
    memberships = list(PartnershipMembership.objects.select_related("council"))
    councils = None if memberships else list(Council.objects.all())
    members = {}
    for year in years:
        if councils is not None:
            members[year] = councils
            continue
        start, end = datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
        members[year] = list(
            {
                m.council_id: m.council
                for m in memberships
                if m.joined_on <= end and (m.left_on is None or m.left_on >= start)
            }.values()
        )
    return members


def import_template_rows(*, user, agreement, kind: str) -> list[dict]:
    """The rows of an import template: one per council and year.

    Contributions: every member council for every year of the agreement, with what is recorded already (so
    the template imports unchanged). Payments: every contribution of the agreement still to be paid, with
    the payment cells left for the office to fill in.
    """
    _require_all(user)
    recorded = {
        (c.council_id, c.financial_year): c for c in ledger_rows(Contribution.objects.filter(agreement=agreement))
    }
    rows = []
    if kind == "payments":
        for contribution in recorded.values():
            if contribution.outstanding > 0:
                rows.append(
                    {
                        "council": contribution.council.name,
                        "gss_code": contribution.council.gss_code,
                        "financial_year": contribution.financial_year_label,
                    }
                )
        return rows
    years = range(agreement.first_year, agreement.last_year + 1)
    members = member_councils(years)
    for year in years:
        councils = {c.pk: c for c in members[year]}
        councils.update({c.council_id: c.council for (_, y), c in recorded.items() if y == year})
        for council in sorted(councils.values(), key=lambda c: c.name):
            contribution = recorded.get((council.pk, year))
            row = {"council": council.name, "gss_code": council.gss_code, "financial_year": financial_year_label(year)}
            if contribution:
                row.update(
                    amount_due=contribution.amount_due,
                    due_date=contribution.due_date,
                    invoice_number=contribution.invoice_number,
                    invoice_date=contribution.invoice_date,
                )
            rows.append(row)
    return rows
