"""Sending one e-mail from the queue (core.tasks.send_message), and which mail errors are worth another try."""

import logging
import smtplib

from ..mail import mail_from_dict

logger = logging.getLogger(__name__)


def mail_error_is_transient(exc) -> bool:
    """Worth another try: the server could not be reached, hung up, or answered 4xx (try later)."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        return False  # refused for good (recipient, authentication, ...)
    return isinstance(exc, OSError)  # connection refused, timeouts, DNS


def message_send(*, message: dict, last_attempt: bool) -> str:
    """Send one e-mail given as data (core.mail); a transient failure is raised for the task to retry, a permanent
    one (or the last attempt's) logged with the recipients and the error, never raised."""
    try:
        mail_from_dict(message).send()
    except Exception as exc:  # any mail failure is logged; the action that made the message stands
        detail = f"{exc.__class__.__name__}: {exc}"[:300]
        if mail_error_is_transient(exc) and not last_attempt:
            logger.warning("E-mail %r to %s not sent, trying again: %s", message["subject"], message["to"], detail)
            raise
        logger.error("E-mail %r to %s could not be sent: %s", message["subject"], message["to"], detail)
        return "failed"
    return "sent"
