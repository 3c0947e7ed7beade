"""Writes of the collaboration app; callers write `from collaboration import services`."""

from .board import *  # noqa: F401,F403
from .conversations import *  # noqa: F401,F403
from .digests import *  # noqa: F401,F403
from .following import *  # noqa: F401,F403
from .notifications import *  # noqa: F401,F403
from .views import *  # noqa: F401,F403
