from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Working together")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - listens to the portfolio's events once the models are loaded
