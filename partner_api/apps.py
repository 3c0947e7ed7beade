from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerApiConfig(AppConfig):
    name = "partner_api"
    verbose_name = _("Partner API")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - connects the webhook receivers once the models are loaded
