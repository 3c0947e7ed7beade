"""The public portfolio's job for beat (public/migrations: the schedule): publish the month's snapshot once the last
closed period's approvals are closed. Idempotent: a period is published once, a second run changes nothing."""

from celery import shared_task

from core.jobs import RETRY_OPTIONS

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_OPTIONS)
def publish_due_snapshot():
    return services.publication_publish_due()
