"""Settings: base (shared, every value from the environment), local (the zero-setup run), test, production.

Every entry point (manage.py, wsgi, asgi, the Celery app) starts from the same default, local; production is
always chosen explicitly, by DJANGO_SETTINGS_MODULE=digital_office.settings.production in the environment.
"""

import os

DEFAULT_SETTINGS_MODULE = "digital_office.settings.local"


def use_default_settings() -> str:
    """Choose the default settings unless the environment names others; returns the module in force."""
    return os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
