"""Reads of the kernel: partner API keys."""

from .models import PartnerAPIKey, User


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
