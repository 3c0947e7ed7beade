from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - connects the change feed's receivers once the models are loaded
