"""Celery jobs of the kernel: each calls one service and is idempotent."""

import random

from celery import shared_task
from django.conf import settings

from . import services


@shared_task
def prune_change_feed():
    """Keep the change feed to its retention period (beat runs it nightly)."""
    return services.change_prune()


@shared_task(bind=True, acks_late=True)
def send_message(self, message):
    """One e-mail of allauth's (core.adapters.AccountAdapter.send_mail), retried like an invitation's (people.tasks)."""
    try:
        return services.message_send(message=message, last_attempt=self.request.retries >= settings.MAIL_MAX_RETRIES)
    except Exception as exc:  # the service raises only what is worth another try
        raise self.retry(exc=exc, countdown=mail_retry_delay(self.request.retries),
                         max_retries=settings.MAIL_MAX_RETRIES) from exc


def mail_retry_delay(retries: int) -> float:
    """5 s, 10 s, 20 s, ... up to MAIL_RETRY_MAX_SECONDS, each with up to a fifth more at random."""
    base = min(settings.MAIL_RETRY_MAX_SECONDS, 5 * 2**retries)
    return base + random.uniform(0, base / 5)  # noqa: S311 - jitter, not a secret
