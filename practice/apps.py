from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = _("Practice library")

    def ready(self):
        # The change feed's receivers and the stage gate (initiatives.gates) are connected once the models are loaded.
        from . import receivers  # noqa: F401, PLC0415
