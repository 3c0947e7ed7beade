"""Production: every secret from the environment; refuses to start without one, or with a weak or example one."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    CACHE_REDIS_URL,
    CACHES,
    CELERY_BROKER_URL,
    DATABASES,
    DB_CONNECT_TIMEOUT_S,
    DB_STATEMENT_TIMEOUT_MS,
    env,
)

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 10


def example_secret_keys() -> set[str]:
    """The placeholder values written in .env.example: a copy that was never filled in must not start."""
    example = BASE_DIR / ".env.example"
    if not example.exists():
        return set()
    return {
        line.partition("=")[2].strip()
        for line in example.read_text(encoding="utf-8").splitlines()
        if line.startswith("DJANGO_SECRET_KEY=")
    }


def refuse_weak_secret_key(key: str):
    if not key:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    if key in example_secret_keys() or "change-me" in key or key.startswith("django-insecure"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is the example from .env.example: set a random value.")
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY must be a random value of at least {SECRET_KEY_MIN_LENGTH} characters, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )


SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
refuse_weak_secret_key(SECRET_KEY)
if not env("DATABASE_URL", default=""):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")


def refuse_per_process_services(*, redis_url: str, caches: dict, broker_url: str, cache_url: str = ""):
    """Several gunicorn processes and Celery workers must share one cache and one broker: a per-process memory
    cache keeps its own tokens (core.cache) and rate counts in each process, and a filesystem broker reaches only
    the workers on one machine's disk. Production refuses to start on them rather than run degraded."""
    if not redis_url and not (broker_url.startswith(("redis://", "rediss://")) and cache_url):
        raise ImproperlyConfigured(
            "REDIS_URL must be set in production (e.g. redis://redis:6379/0), or both CELERY_BROKER_URL and "
            "CACHE_REDIS_URL: the cache and the Celery broker are shared by every process through Redis."
        )
    per_process = sorted(alias for alias, cache in caches.items() if cache["BACKEND"].endswith("LocMemCache"))
    if per_process:
        raise ImproperlyConfigured(f"Production refuses a per-process memory cache (CACHES: {', '.join(per_process)}).")
    if broker_url.startswith("filesystem://"):
        raise ImproperlyConfigured("Production refuses the filesystem Celery broker: set REDIS_URL.")


refuse_per_process_services(redis_url=env("REDIS_URL", default=""), caches=CACHES, broker_url=CELERY_BROKER_URL,
                            cache_url=CACHE_REDIS_URL)

PRODUCTION = True
# Never from the environment: the debug pages show settings and code.
DEBUG = False
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# __Host- cookies: sent over https only, for this host only, for the whole site; a subdomain cannot set them.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_NAME = "__Host-language"
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405


def database_settings(database: dict, *, conn_max_age: int, connect_timeout: int, statement_timeout_ms: int,
                      disable_server_side_cursors: bool = False) -> dict:
    """Persistent connections, checked before reuse, and bounds on connecting and on every statement.

    Each gunicorn thread (and each Celery process) keeps one connection for `conn_max_age` seconds instead of
    opening one per request (7-19 ms each); CONN_HEALTH_CHECKS pings a kept connection before a request reuses
    it, so a database restart costs one reconnect, not an error. `connect_timeout` (s) and `statement_timeout`
    (ms) make a database that accepts connections but never answers fail a request instead of hanging it until
    gunicorn kills the worker. Behind PgBouncer in transaction pooling, set DB_CONN_MAX_AGE=0 (its pool does the
    keeping; or use session pooling) and DB_DISABLE_SERVER_SIDE_CURSORS=true (a server-side cursor, which the
    exports' .iterator() uses, cannot outlive a transaction there): docs/operations.md "Scaling". 0 turns either
    timeout off.
    """
    database = {**database, "CONN_MAX_AGE": conn_max_age, "CONN_HEALTH_CHECKS": conn_max_age != 0}
    if disable_server_side_cursors:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    if database["ENGINE"].endswith("postgresql"):
        options = dict(database.get("OPTIONS", {}))
        if connect_timeout:
            options["connect_timeout"] = connect_timeout
        if statement_timeout_ms:
            options["options"] = f"{options.get('options', '')} -c statement_timeout={statement_timeout_ms}".strip()
        database["OPTIONS"] = options
    return database


DATABASES["default"] = database_settings(
    DATABASES["default"],
    conn_max_age=env.int("DB_CONN_MAX_AGE", default=60),
    connect_timeout=DB_CONNECT_TIMEOUT_S,
    statement_timeout_ms=DB_STATEMENT_TIMEOUT_MS,
    disable_server_side_cursors=env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False),
)
