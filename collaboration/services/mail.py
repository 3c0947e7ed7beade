"""E-mails of the collaboration app: each goes by core.mail's Celery task, and each carries a link that stops them
without signing in (a signed token, django.core.signing) and the List-Unsubscribe headers mail programs offer."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from core.jobs import enqueue_after_commit
from core.mail import MAIL_TASK, mail_as_dict

UNSUBSCRIBE_SALT = "collaboration.unsubscribe"


def absolute(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def unsubscribe_token(person) -> str:
    return signing.dumps({"person": person.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def person_id_from_unsubscribe_token(token: str) -> int | None:
    """The person a token was made for, or None for a token not ours (no expiry: old e-mails keep working)."""
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["person"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(person) -> str:
    return absolute(reverse("collaboration:unsubscribe", kwargs={"token": unsubscribe_token(person)}))


def send(*, person, subject: str, template: str, context: dict) -> None:
    """Queue one e-mail to `person` from a text template (`context` gains `person`, `unsubscribe_url` and
    `settings_url`); nothing is read from the database here."""
    unsubscribe = unsubscribe_url(person)
    context = {**context, "person": person, "unsubscribe_url": unsubscribe,
               "settings_url": absolute(reverse("collaboration:settings"))}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(template, context), to=[person.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    enqueue_after_commit(MAIL_TASK, mail_as_dict(message))
