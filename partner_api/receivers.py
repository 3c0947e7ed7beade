"""Portfolio events (initiatives.events) turned into webhook deliveries. Connected in apps.ready()."""

from django.dispatch import receiver

from initiatives import events

from . import services
from .models import WebhookEvent

API_PREFIX = "/api/v1"


@receiver(events.update_approved, dispatch_uid="partner_api.update_approved")
def on_update_approved(sender, update_id, **kwargs):
    from initiatives.models import ProgressUpdate

    update = ProgressUpdate.objects.select_related("initiative", "period").filter(pk=update_id).first()
    if update is None:
        return
    services.webhook_event_dispatch(event=WebhookEvent.UPDATE_APPROVED, data={
        "update_id": update.pk,
        "initiative": update.initiative.reference,
        "period_start": update.period.starts_on.isoformat(),
        "url": f"{API_PREFIX}/updates/{update.pk}/",
    })


@receiver(events.initiative_stage_changed, dispatch_uid="partner_api.initiative_stage_changed")
def on_initiative_stage_changed(sender, initiative_id, old_stage, new_stage, **kwargs):
    from initiatives.models import Initiative

    reference = Initiative.objects.filter(pk=initiative_id).values_list("reference", flat=True).first()
    if reference is None:
        return
    services.webhook_event_dispatch(event=WebhookEvent.INITIATIVE_STAGE_CHANGED, data={
        "initiative": reference, "old_stage": old_stage, "new_stage": new_stage,
        "url": f"{API_PREFIX}/initiatives/{reference}/",
    })


@receiver(events.report_ready, dispatch_uid="partner_api.report_ready")
def on_report_ready(sender, report_id, **kwargs):
    from initiatives.models import Report

    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return
    services.webhook_event_dispatch(event=WebhookEvent.REPORT_READY, data={
        "report_id": report.pk, "kind": report.kind,
        "url": f"{API_PREFIX}/reports/{report.pk}/", "file_url": f"{API_PREFIX}/reports/{report.pk}/file/",
    })
