from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Strategy")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - connects the change feed's receivers once the models are loaded
