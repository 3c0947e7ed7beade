"""The zero-setup run (`make run`): SQLite unless DATABASE_URL says otherwise, debug on."""

from .base import *  # noqa: F403
from .base import EMAIL_URL, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only for the local run; production refuses to start without its own key.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
# Mail is printed where `make run` runs, unless EMAIL_URL names a server.
if not EMAIL_URL:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
