from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .celery import app as celery_app


class DigitalOfficeConfig(AppConfig):
    """The project package: settings, URLs, the Celery app, the home page and the health check."""

    name = "digital_office"
    verbose_name = _("Digital Office")

    def ready(self):
        # Services enqueue Celery tasks by name (core.jobs), so every app's task module is loaded in every
        # process, the web server's included, not only in workers.
        celery_app.autodiscover_tasks(force=True)
        from . import workers  # noqa: F401, PLC0415 - connects the workers' heartbeat once the models are loaded
