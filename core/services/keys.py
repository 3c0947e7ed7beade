"""Partner API keys: issuing, revoking, and when one was last used."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..models import (
    PartnerAPIKey,
)

LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def expiry_from_date(day: datetime.date | None) -> datetime.datetime | None:
    """A key "expires on" a day: it works until the end of that day, UK time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


@transaction.atomic
def key_create(*, user, partner, name, scopes, expires_on=None, rate_limit="") -> tuple[PartnerAPIKey, str]:
    """Make a key and return it with its full text, which is shown this once and never stored."""
    if not policies.can_manage_partner_access(user):
        raise PermissionDenied(_("Only Digital Office staff make partner keys."))
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expiry_date": _("The expiry date cannot be in the past.")})
    key = PartnerAPIKey(
        partner=partner, name=name, scopes=sorted(set(scopes)), expiry_date=expiry_from_date(expires_on),
        rate_limit=rate_limit or "", created_by=user if getattr(user, "pk", None) else None,
    )
    text = PartnerAPIKey.objects.assign_key(key)
    key.full_clean()
    key.save()
    return key, text


@transaction.atomic
def key_revoke(*, user, key) -> PartnerAPIKey:
    if not policies.can_manage_partner_access(user):
        raise PermissionDenied(_("Only Digital Office staff revoke partner keys."))
    key = PartnerAPIKey.objects.select_for_update().get(pk=key.pk)
    if not key.revoked:
        key.revoked = True
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked", "revoked_at"])
    return key


def key_touch(key: PartnerAPIKey, *, now=None):
    """Record when a key was last used, at most once a minute per key (one UPDATE, no lock)."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        PartnerAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
