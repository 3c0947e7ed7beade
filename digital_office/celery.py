"""The Celery app. The broker is Redis when REDIS_URL is set, else a folder on disk (settings)."""

from pathlib import Path

from celery import Celery
from django.conf import settings

from .settings import use_default_settings

use_default_settings()

app = Celery("digital_office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders():
    """The filesystem transport needs its folders to exist before a worker or beat starts."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    ensure_broker_folders()
