"""Reads of the funding ledger, councils and partners (people's teams: people.selectors). Every funding page,
export and API list starts from these.

Figures are worked out from the contributions and their payments, never stored: a page runs one query for the
contributions in view (each annotated with what has been paid, what is outstanding and its status) and adds
them up in Python, so it costs the same few queries whatever the number of councils, years or payments.
One module per concern."""

from ..models import financial_year_label, financial_year_of  # read by the layers above
from .figures import (
    HALF_PENNY,
    MONEY,
    PENNY,
    STATUS_LABELS,
    ZERO,
    AgreementRow,
    CouncilRow,
    Figures,
    Pounds,
    YearRow,
    contribution_status,
    contributions_with_figures,
    figures_of,
    ledger_rows,
    status_label,
    today,
    visible_contributions,
)
from .history import HISTORY_FIELDS, contribution_history, display_value
from .import_templates import import_template_rows, member_councils
from .ledgers import (
    agreement_ledger,
    agreement_positions,
    agreement_totals,
    contribution_detail,
    contributions_for_export,
    council_ledger,
    ledger,
    payment_detail,
    year_ledger,
)
from .organisations import (
    CouncilMatcher,
    api_contributions,
    api_councils,
    api_partners,
    council_by_slug,
    council_list,
    council_names,
    partner_list,
    partner_names,
)

__all__ = [
    "financial_year_label",
    "financial_year_of",
    "AgreementRow",
    "CouncilMatcher",
    "CouncilRow",
    "Figures",
    "HALF_PENNY",
    "HISTORY_FIELDS",
    "MONEY",
    "PENNY",
    "Pounds",
    "STATUS_LABELS",
    "YearRow",
    "ZERO",
    "agreement_ledger",
    "agreement_totals",
    "agreement_positions",
    "api_contributions",
    "api_councils",
    "api_partners",
    "contribution_detail",
    "contribution_history",
    "contribution_status",
    "contributions_for_export",
    "contributions_with_figures",
    "council_by_slug",
    "council_ledger",
    "council_list",
    "council_names",
    "display_value",
    "figures_of",
    "import_template_rows",
    "ledger",
    "ledger_rows",
    "member_councils",
    "partner_list",
    "partner_names",
    "payment_detail",
    "status_label",
    "today",
    "visible_contributions",
    "year_ledger",
]
