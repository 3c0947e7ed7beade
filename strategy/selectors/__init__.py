"""Reads of the strategy, its measures and digital maturity.

Every page starts from one of these. Each costs a fixed number of queries whatever the size of the
portfolio: roll-ups are aggregate queries, never a query per outcome, initiative or council.
Maturity reads go through `maturity_assessments_visible_to` / `maturity_councils_visible_to`, so a
council's staff can never reach another council's assessment (a 404, or simply absent).
"""

# The package re-exports every public selector: callers keep `from strategy import selectors`.
from .common import *  # noqa: F401,F403
from .maturity import *  # noqa: F401,F403
from .measures import *  # noqa: F401,F403
from .pages import *  # noqa: F401,F403
from .rollups import *  # noqa: F401,F403
