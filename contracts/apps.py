from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - connects the change feed's receivers once the models are loaded
