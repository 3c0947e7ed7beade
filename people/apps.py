from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from . import receivers  # noqa: PLC0415 - once the models are loaded

        receivers.connect()
