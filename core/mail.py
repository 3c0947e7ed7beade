"""E-mail by Celery: a message as plain data for the queue, sent by core.tasks.send_message with retries.

Mail failures never reach the person's request (no 500 when the mail server is down): the task retries what may
pass (core.services.mail_error_is_transient) with backoff and logs what could not be sent.
"""

from django.core.mail import EmailMultiAlternatives

MAIL_TASK = "core.tasks.send_message"


def mail_as_dict(message) -> dict:
    return {
        "subject": str(message.subject), "body": str(message.body), "from_email": message.from_email,
        "to": list(message.to), "cc": list(message.cc), "bcc": list(message.bcc),
        "reply_to": list(message.reply_to), "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


def mail_from_dict(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"], body=data["body"], from_email=data["from_email"], to=data["to"], cc=data["cc"],
        bcc=data["bcc"], reply_to=data["reply_to"], headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message
