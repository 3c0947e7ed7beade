"""A bulk export of the partner API: one file per list (gzip NDJSON and gzip CSV), all read from one consistent
snapshot of the database, with the change feed's position it is consistent with (docs/api.md, "Bulk export")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    partner = models.ForeignKey("councils.PartnerOrganisation", verbose_name=_("partner organisation"),
                                on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey("core.PartnerAPIKey", verbose_name=_("requested with key"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    tables = models.JSONField(_("tables"), default=list, help_text=_("The lists exported, by the feed's kind names."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    position = models.CharField(_("change feed position"), max_length=40, blank=True, help_text=_(
        "The feed's `next_after` before the snapshot: every change the files miss comes after it."))
    files = models.JSONField(_("files"), default=list)
    base_url = models.CharField(_("base URL"), max_length=300, help_text=_(
        "The address the export was asked at: links inside the records (report files) are made with it."))
    error = models.CharField(_("error"), max_length=500, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("bulk export")
        verbose_name_plural = _("bulk exports")

    def __str__(self):
        return f"Bulk export {self.pk} ({self.status})"

    def file_for(self, table: str, fmt: str) -> dict | None:
        return next((f for f in self.files if f["table"] == table and f["format"] == fmt), None)
