from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public portfolio and open data")
    default_auto_field = "django.db.models.BigAutoField"
