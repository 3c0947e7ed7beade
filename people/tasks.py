"""People's Celery tasks: an invitation's e-mail, retried while the mail server is away."""

from celery import shared_task
from django.conf import settings

from core import tasks as core_tasks

from . import services


@shared_task(bind=True, acks_late=True)
def send_invitation(self, invitation_id, token, sender_id=None):
    """An invitation's e-mail, retried with exponential backoff and jitter while the mail server is away."""
    try:
        return services.invitation_mail_send(invitation_id=invitation_id, token=token, sender_id=sender_id,
                                             last_attempt=self.request.retries >= settings.MAIL_MAX_RETRIES)
    except Exception as exc:  # the service raises only what is worth another try
        raise self.retry(exc=exc, countdown=core_tasks.mail_retry_delay(self.request.retries),
                         max_retries=settings.MAIL_MAX_RETRIES) from exc
