from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app builds on: people, roles, partner keys, history, exports, imports and the API framework."""

    default = True
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        from . import receivers  # noqa: F401, PLC0415 - signal receivers connect once the apps are loaded


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "core.admin_site.PortalAdminSite"
