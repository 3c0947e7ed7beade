"""Reads of the kernel: partner API keys."""

import datetime

from django.utils import timezone

from .models import PartnerAPIKey, User, WorkerHeartbeat


def key_for_text(text: str) -> PartnerAPIKey | None:
    """The key that `PREFIX.SECRET` is, revoked and expired ones included (the caller says which it is), or None."""
    prefix, dot, secret = text.partition(".")
    if not dot or not prefix or not secret or len(text) > 200:
        return None
    key = PartnerAPIKey.objects.select_related("partner").filter(prefix=prefix).first()
    if key is None or not key.is_valid(text):
        return None
    return key


def key_list():
    """Every key, the usable ones first. (The partner access page adds request counts from the request log.)"""
    keys = PartnerAPIKey.objects.select_related("partner", "created_by")
    return keys.order_by("revoked", "partner__name", "-created")


def key_by_prefix(prefix: str) -> PartnerAPIKey:
    return PartnerAPIKey.objects.select_related("partner").get(prefix=prefix)


def active_council_editors(council_ids):
    """The active editors of these councils (reminders go to them)."""
    return User.objects.filter(council_id__in=council_ids, council_role=User.CouncilRole.EDITOR, is_active=True)


def active_digital_office_staff():
    """Escalations go to them."""
    return User.objects.filter(is_digital_office_staff=True, is_active=True).order_by("email")


def active_user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()


def live_heartbeats(*, role: str, within_seconds: float):
    """Worker (or beat) processes that said they were alive in the last `within_seconds`."""
    since = timezone.now() - datetime.timedelta(seconds=within_seconds)
    return WorkerHeartbeat.objects.filter(role=role, seen_at__gte=since)
