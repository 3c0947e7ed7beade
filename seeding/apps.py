from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedingConfig(AppConfig):
    """Loads the reference data the portal ships (`load_reference_data`) and the demo data set (`seed_demo`)."""

    name = "seeding"
    verbose_name = _("Reference and demo data")
