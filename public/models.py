"""The published snapshots of the public portfolio: one per reporting period, with its files (README "Public
portfolio and open data")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel


class Publication(TrackedModel):
    """What the public pages and downloads serve for one closed reporting period: `data` holds the allow-listed
    records the pages show (public.selectors), `files` the names in Django's storage of its CSV, XLSX and JSON
    downloads. `generation` grows at each rewrite (an initiative published or withdrawn): the ETag and every cache
    key carry it, so a withdrawal takes effect at once."""

    period = models.OneToOneField(
        "initiatives.ReportingPeriod", on_delete=models.PROTECT, related_name="publication", verbose_name=_("period")
    )
    published_at = models.DateTimeField(_("published at"))
    modified_at = models.DateTimeField(_("last modified"))
    generation = models.PositiveIntegerField(default=1)
    data = models.JSONField(default=dict)
    files = models.JSONField(default=dict)
    changelog = models.JSONField(default=list)

    class Meta:
        ordering = ["-period__starts_on"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return str(self.period)
