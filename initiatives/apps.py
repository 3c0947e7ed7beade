from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from councils import commitments


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self):
        # The funding ledger (councils, the layer below) shows what the portfolio has committed: tell it how.
        from . import receivers  # noqa: F401, PLC0415 - connects the change feed's receivers once the models are loaded
        from .selectors import committed_budgets  # noqa: PLC0415 - selectors import models, loaded only once apps are

        commitments.register(committed_budgets)
