from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitalOfficeConfig(AppConfig):
    name = "digital_office"
    verbose_name = _("Digital Office")
