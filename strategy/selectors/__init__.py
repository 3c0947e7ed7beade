"""Reads of the strategy, its measures and digital maturity.

Every page starts from one of these, and each costs a fixed number of queries. (The portfolio by outcome, which
the strategy pages show, is initiatives.selectors.rollups: the portfolio is the layer above.)
Maturity reads go through `maturity_assessments_visible_to` / `maturity_councils_visible_to`, so a
council's staff can never reach another council's assessment (a 404, or simply absent).
"""

# The package re-exports every public selector: callers keep `from strategy import selectors`.
from .api import *  # noqa: F401,F403
from .common import *  # noqa: F401,F403
from .maturity import *  # noqa: F401,F403
from .measures import *  # noqa: F401,F403
