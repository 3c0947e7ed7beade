"""Celery jobs of the partner API: webhook deliveries, with retries and exponential backoff."""

from celery import shared_task

from . import services
from .models import WebhookDelivery


# Named as before the package was renamed (apps.py): queued messages and stored schedules carry the name.
@shared_task(name="partner_api.tasks.deliver_webhook", bind=True, max_retries=None, acks_late=True)
def deliver_webhook(self, delivery_id):
    """Idempotent: a delivery already delivered (or given up) is not sent again.

    The number of attempts is the delivery's own count (services.WEBHOOK_MAX_ATTEMPTS), so a
    redelivered message after a worker crash cannot make it try for ever.
    """
    delivery = services.webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is not None and delivery.status == WebhookDelivery.Status.RETRYING:
        # throw=False: schedule the retry and end this run quietly. A worker returns the status: a returned Retry
        # was a value the result backend had to encode (the EncodeError of every retry). Eagerly (tests, where
        # errors propagate) Celery runs the retry from the returned Retry, so that one is returned there.
        retry = self.retry(countdown=services.backoff_seconds(delivery.attempts), throw=False)
        if self.request.is_eager:
            return retry
    return delivery.status if delivery is not None else None


@shared_task(name="partner_api.tasks.prune_request_log")
def prune_request_log():
    """Keep the API request log to its retention period (beat runs it nightly)."""
    return services.api_request_log_prune()
