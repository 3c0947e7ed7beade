"""`make bench` (bench/run.py): production settings, served over plain http on loopback.

Everything production does stays on (persistent connections, timeouts, JSON logs, secure `__Host-` cookies, the
second-factor rule, throttles, the request log); only what needs a TLS proxy in front is relaxed: no redirect to
https and no HSTS. The benchmark sends its session cookie itself, so the cookies' Secure flag does not matter.
Adds the floor view (bench/urls.py) and a header with each response's query count (bench/middleware.py).
"""

from .production import *  # noqa: F403
from .production import MIDDLEWARE

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
ROOT_URLCONF = "bench.urls"
# Outermost, so the count covers every query of the request (session, request log...).
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
