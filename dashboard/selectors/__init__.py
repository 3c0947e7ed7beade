"""The leaders' dashboard, the map of the councils and the council pages: what needs attention, the headline
figures, the trends, what changed since the last board. One module per concern; callers write
`from dashboard import selectors`.

Every figure is aggregated in SQL over the initiatives the filters select (`Scope`), never one query per
initiative, council or period, so a page costs the same number of queries whatever the size of the portfolio.
Lists are capped (LIST_LIMIT) and carry their full count from the same query (a window count). The portfolio is
read through initiatives.selectors, never its models.
"""

from .aggregates import (
    AXES,
    FILTERS,
    LIST_LIMIT,
    MONEY,
    TREND_PERIODS,
    ZERO,
    AttentionList,
    axis_label,
    capped,
    money_sum,
    rag_label,
)
from .attention import needs_attention
from .changes import changed_since, default_since, since_label
from .council import COUNCIL_PAGE_SIZE, council_page
from .headline import Figure, Headline, benefit_totals, headline
from .map import HEX_ROW_STEP, HEX_SIZE, INITIATIVE_BINS, STATUS_CLASSES, CouncilCell, Measure, bin_label, council_map
from .page import DASHBOARD_CACHE_SECONDS, dashboard
from .scope import Scope, dashboard_scope

__all__ = [
    "AXES", "COUNCIL_PAGE_SIZE", "DASHBOARD_CACHE_SECONDS", "FILTERS", "HEX_ROW_STEP", "HEX_SIZE", "INITIATIVE_BINS",
    "LIST_LIMIT", "MONEY", "STATUS_CLASSES", "TREND_PERIODS", "ZERO", "AttentionList", "CouncilCell", "Figure",
    "Headline", "Measure", "Scope", "axis_label", "benefit_totals", "bin_label", "capped", "changed_since",
    "council_map", "council_page", "dashboard", "dashboard_scope", "default_since", "headline", "money_sum",
    "needs_attention", "rag_label", "since_label", "trend_periods", "trends",
]
