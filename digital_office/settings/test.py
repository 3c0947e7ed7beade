"""Settings for pytest: PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, else SQLite.

Under pytest-xdist each worker (gw0, gw1, ...) has a test database of its own (pytest-django names it
test_<name>_gw<n>), and here a Redis database and a media folder of its own: every test empties the caches, which
on Redis empties the whole database, and would empty the other worker's rate counters and tokens mid-test."""

import os
import re

XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _redis_url_for_worker(url: str, worker: str) -> str:
    """redis://host:port/N for worker gwK is redis://host:port/N+K (.ci/run uses 14, so gw0 14 and gw1 15)."""
    match = re.fullmatch(r"(redis://[^/]+)(?:/(\d+))?", url)
    if not match or not worker:
        return url
    database = int(match.group(2) or 0) + int(worker.removeprefix("gw"))
    if database > 15:
        raise RuntimeError(f"REDIS_URL {url}: worker {worker} would need Redis database {database}; start lower")
    return f"{match.group(1)}/{database}"


# Once per worker: the processes a test starts inherit the environment rewritten here (and the worker's name).
if XDIST_WORKER and os.environ.get("PORTAL_TEST_REDIS_WORKER") != XDIST_WORKER:
    for _name in ("REDIS_URL", "CELERY_BROKER_URL", "CACHE_REDIS_URL"):
        if os.environ.get(_name):
            os.environ[_name] = _redis_url_for_worker(os.environ[_name], XDIST_WORKER)
    os.environ["PORTAL_TEST_REDIS_WORKER"] = XDIST_WORKER

from .base import *  # noqa: E402, F403
from .base import BASE_DIR, env  # noqa: E402

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "test-media" / (XDIST_WORKER or "main")))
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_RATE_LIMITS = False
ALLOWED_HOSTS = ["*"]
# Static files come from the finders in tests: nothing is collected.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
