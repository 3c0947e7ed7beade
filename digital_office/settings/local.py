"""The zero-setup run (`make run`): SQLite unless DATABASE_URL says otherwise, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only for the local run; production refuses to start without its own key.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
