"""Partner API keys: issuing, revoking, and when one was last used."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policies
from ..models import (
    PartnerAPIKey,
)

LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

# A key made, rotated or revoked (kind "key_created", "key_rotated", "key_revoked"; actor, partner_id, summary):
# the access record (people.receivers) writes it down, in the same transaction. The kernel knows no access record.
key_event = Signal()


def expiry_from_date(day: datetime.date | None) -> datetime.datetime | None:
    """A key "expires on" a day: it works until the end of that day, UK time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _key_scopes_allowed(*, user, scopes, granted):
    """Staff give any scope. A partner's lead only those the office granted their organisation (`granted`, passed
    in by partner_access, which keeps the grants): any other is refused, naming it."""
    if policies.can_manage_partner_access(user):
        return
    refused = sorted(set(scopes) - set(granted or ()))
    if refused:
        raise ValidationError({"scopes": _(
            "Your organisation has not been granted %(scopes)s: ask the Digital Office."
        ) % {"scopes": ", ".join(refused)}})


def _key_summary(key) -> str:
    return f"{key.name} ({key.prefix}): {', '.join(key.scopes)}"


@transaction.atomic
def key_create(*, user, partner, name, scopes, expires_on=None, rate_limit="", granted=None,
               ) -> tuple[PartnerAPIKey, str]:
    """Make a key and return it with its full text, which is shown this once and never stored. Digital Office
    staff for any partner; a partner's lead for their own, within `granted` and at the default rate."""
    if not policies.can_manage_keys_of(user, partner.pk):
        raise PermissionDenied(_("Only Digital Office staff and the organisation's leads make its API keys."))
    _key_scopes_allowed(user=user, scopes=scopes, granted=granted)
    if rate_limit and not policies.can_manage_partner_access(user):
        raise ValidationError({"rate_limit": _("Only the Digital Office sets a key's own rate.")})
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expiry_date": _("The expiry date cannot be in the past.")})
    key = PartnerAPIKey(
        partner=partner, name=name, scopes=sorted(set(scopes)), expiry_date=expiry_from_date(expires_on),
        rate_limit=rate_limit or "", created_by=user if getattr(user, "pk", None) else None,
    )
    text = PartnerAPIKey.objects.assign_key(key)
    key.full_clean()
    key.save()
    key_event.send(sender=PartnerAPIKey, kind="key_created", actor=user, partner_id=partner.pk,
                   summary=_key_summary(key))
    return key, text


@transaction.atomic
def key_rotate(*, user, key, granted=None) -> tuple[PartnerAPIKey, str]:
    """A new key with the same name, scopes, expiry and rate, and the old one revoked at once: what to do when a
    key's text may have leaked. The new text is shown this once."""
    key = PartnerAPIKey.objects.select_for_update().get(pk=key.pk)
    if not policies.can_manage_keys_of(user, key.partner_id):
        raise PermissionDenied(_("Only Digital Office staff and the organisation's leads rotate its API keys."))
    if key.revoked:
        raise ValidationError(_("Key %(prefix)s is revoked: make a new one instead.") % {"prefix": key.prefix})
    _key_scopes_allowed(user=user, scopes=key.scopes, granted=granted)
    new = PartnerAPIKey(
        partner_id=key.partner_id, name=key.name, scopes=list(key.scopes), expiry_date=key.expiry_date,
        rate_limit=key.rate_limit, created_by=user if getattr(user, "pk", None) else None,
    )
    text = PartnerAPIKey.objects.assign_key(new)
    new.full_clean()
    new.save()
    key.revoked, key.revoked_at = True, timezone.now()
    key.save(update_fields=["revoked", "revoked_at"])
    key_event.send(sender=PartnerAPIKey, kind="key_rotated", actor=user, partner_id=key.partner_id,
                  summary=f"{key.prefix} -> {_key_summary(new)}")
    return new, text


@transaction.atomic
def key_revoke(*, user, key) -> PartnerAPIKey:
    if not policies.can_manage_keys_of(user, key.partner_id):
        raise PermissionDenied(_("Only Digital Office staff and the organisation's leads revoke its API keys."))
    key = PartnerAPIKey.objects.select_for_update().get(pk=key.pk)
    if not key.revoked:
        key.revoked = True
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked", "revoked_at"])
        key_event.send(sender=PartnerAPIKey, kind="key_revoked", actor=user, partner_id=key.partner_id,
                       summary=_key_summary(key))
    return key


def key_touch(key: PartnerAPIKey, *, now=None):
    """Record when a key was last used, at most once a minute per key (one UPDATE, no lock)."""
    now = now or timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        PartnerAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
