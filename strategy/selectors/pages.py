"""What each strategy page shows, assembled from the other selectors."""

from .common import INITIATIVES_SHOWN_PER_OUTCOME, require_strategy_reader, strategy_current
from .rollups import outcome_coverage, outcome_rollups

# -- pages ------------------------------------------------------------------------------------


def strategy_overview(*, user) -> dict:
    require_strategy_reader(user)
    strategy = strategy_current()
    return {
        "strategy": strategy,
        "themes": list(strategy.themes.order_by("order", "title")),
        "rollups": outcome_rollups(strategy=strategy),
        "initiatives_shown": INITIATIVES_SHOWN_PER_OUTCOME,
    }


def strategy_coverage(*, user) -> dict:
    require_strategy_reader(user)
    strategy = strategy_current()
    return {"strategy": strategy, **outcome_coverage(strategy=strategy)}
