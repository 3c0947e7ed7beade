"""The library's reminders, e-mailed through core.mail's Celery task after the transaction commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from core.jobs import enqueue_after_commit
from core.mail import MAIL_TASK, mail_as_dict


def asset_url(asset) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("practice:detail", kwargs={"pk": asset.pk})


def send_later(*, subject: str, template: str, context: dict, to: list[str]):
    if not to:
        return None
    message = EmailMessage(subject=subject, body=render_to_string(template, context), to=to)
    return enqueue_after_commit(MAIL_TASK, mail_as_dict(message))
