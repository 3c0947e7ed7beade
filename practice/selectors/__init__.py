"""Reads of the practice library and the portal's search. Callers write `from practice import selectors`."""

from .assets import *  # noqa: F401,F403
from .search import *  # noqa: F401,F403
