from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkExportConfig(AppConfig):
    name = "bulk_export"
    verbose_name = _("Bulk exports")
