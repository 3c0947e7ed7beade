from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class DigitalOfficeConfig(AppConfig):
    default = True
    name = "digital_office"
    verbose_name = _("Digital Office")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "digital_office.admin_site.PortalAdminSite"
