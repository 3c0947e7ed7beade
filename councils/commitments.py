"""What the portfolio has committed against each funding agreement, for the funding ledger.

The portfolio is the initiatives app, a layer above councils, so councils cannot ask it directly: when the
apps load, initiatives registers the selector that works the figure out (initiatives.apps), and the ledger
reads it through here. With nothing registered, nothing is committed.
"""

from collections.abc import Callable, Iterable
from decimal import Decimal

_source: Callable[[list], dict[int, Decimal]] | None = None


def register(source: Callable[[list], dict[int, Decimal]]):
    """`source(agreements)` answers {agreement id: the budgets committed in its period}."""
    global _source
    _source = source


def committed_budgets(agreements: Iterable) -> dict[int, Decimal]:
    agreements = list(agreements)
    committed = _source(agreements) if _source is not None and agreements else {}
    return {agreement.pk: committed.get(agreement.pk, Decimal("0.00")) for agreement in agreements}
