"""Security events, one log record each on the logger "security": what happened, who (user or key), from which
client address, when. Production writes them as JSON lines (settings LOG_FORMAT); core.receivers sends the
sign-in, lockout and two-factor events, the error handlers the permission denials, the API the key use."""

import logging

from django.utils import timezone

from .client_address import client_address

logger = logging.getLogger("security")

WARNINGS = {"login_failed", "lockout", "permission_denied", "api_key_invalid", "second_factor_failed",
            "api_unauthenticated_throttled", "change_feed_horizon_held"}


def event(name: str, request=None, *, user=None, key=None, **details):
    """Log one security event. `user` defaults to the request's signed-in person; `key` is a partner API key."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if candidate is not None and candidate.is_authenticated else None
    record = {
        "event": name,
        "at": timezone.now().isoformat(),
        "user": getattr(user, "email", None) or (str(user) if user is not None else None),
        "user_id": getattr(user, "pk", None),
        "client_address": client_address(request) if request is not None else None,
        **details,
    }
    if key is not None:
        record.update(key_prefix=key.prefix, partner=str(key.partner))
    level = logging.WARNING if name in WARNINGS else logging.INFO
    text = " ".join(f"{field}={value}" for field, value in record.items() if value is not None)
    logger.log(level, text, extra={"security": record})
