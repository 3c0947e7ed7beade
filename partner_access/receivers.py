"""Portfolio events (initiatives.events) turned into webhook deliveries. Connected in apps.ready()."""

from django.dispatch import receiver

from initiatives import events, selectors

from . import services
from .models import WebhookEvent

API_PREFIX = "/api/v1"


@receiver(events.update_approved, dispatch_uid="partner_access.update_approved")
def on_update_approved(sender, update_id, **kwargs):
    update = selectors.update_with_period(update_id)
    if update is None:
        return
    services.webhook_event_dispatch(event=WebhookEvent.UPDATE_APPROVED, data={
        "update_id": update.pk,
        "initiative": update.initiative.reference,
        "period_start": update.period.starts_on.isoformat(),
        "url": f"{API_PREFIX}/updates/{update.pk}/",
    })


@receiver(events.initiative_stage_changed, dispatch_uid="partner_access.initiative_stage_changed")
def on_initiative_stage_changed(sender, initiative_id, old_stage, new_stage, **kwargs):
    reference = selectors.initiative_reference(initiative_id)
    if reference is None:
        return
    services.webhook_event_dispatch(event=WebhookEvent.INITIATIVE_STAGE_CHANGED, data={
        "initiative": reference, "old_stage": old_stage, "new_stage": new_stage,
        "url": f"{API_PREFIX}/initiatives/{reference}/",
    })


@receiver(events.report_ready, dispatch_uid="partner_access.report_ready")
def on_report_ready(sender, report_id, **kwargs):
    report = selectors.report_by_pk(report_id)
    if report is None:
        return
    services.webhook_event_dispatch(event=WebhookEvent.REPORT_READY, data={
        "report_id": report.pk, "kind": report.kind,
        "url": f"{API_PREFIX}/reports/{report.pk}/", "file_url": f"{API_PREFIX}/reports/{report.pk}/file/",
    })
