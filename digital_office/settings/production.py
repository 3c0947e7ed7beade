"""Production: every secret from the environment; refuses to start without one, or with a weak or example one."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env

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
