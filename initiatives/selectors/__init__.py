"""Reads of the portfolio. Every page, export and API list starts from these, so query counts stay bounded.

The package re-exports every public selector: callers write `from initiatives import selectors`.
"""

from .api import *  # noqa: F401,F403
from .benefits import *  # noqa: F401,F403
from .office import *  # noqa: F401,F403
from .portfolio import *  # noqa: F401,F403
from .records import *  # noqa: F401,F403
from .reporting import *  # noqa: F401,F403
from .rollups import *  # noqa: F401,F403
from .search import *  # noqa: F401,F403
from .task_list import *  # noqa: F401,F403
from .update_form import *  # noqa: F401,F403
