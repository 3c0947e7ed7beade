from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerAccessConfig(AppConfig):
    """Partner access: the API keys page, webhooks and the API request log.

    The package was `partner_api`; the app label stays `partner_api` so its database tables, migrations, admin URLs
    and permission codenames are unchanged (a label is data, a package name is code). Its Celery task names stay
    `partner_api.tasks.*` (tasks.py names them) for the same reason: queued messages and beat's stored schedules
    name them."""

    name = "partner_access"
    label = "partner_api"
    verbose_name = _("Partner API")

    def ready(self):
        from core.policies import register_grant_lookup  # noqa: PLC0415

        from . import receivers  # noqa: F401, PLC0415 - connects the webhook receivers once the models are loaded
        from .selectors import granted_scopes_of  # noqa: PLC0415

        register_grant_lookup(granted_scopes_of)  # comments:read works on a key only while its organisation has it
