"""Progress reports, made by Celery: their figures for a period, their PDF and XLSX files, the jobs that make
them, and the e-mails that send the monthly report to its subscribers.

Callers write `from initiatives import reports` and use the names re-exported here.
"""

from .figures import *  # noqa: F401,F403
from .services import *  # noqa: F401,F403
