"""Celery jobs of the collaboration app: each calls one service and is idempotent where it may run twice (the weekly
digest is claimed by a unique row per person and week before it is sent)."""

from celery import shared_task

from core.jobs import RETRY_OPTIONS

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def send_weekly_digests():
    return services.digests_send()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def notify_update_approved(update_id):
    return services.notify_update_approved(update_id=update_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def notify_update_returned(update_id):
    return services.notify_update_returned(update_id=update_id)
