"""Writes of the kernel: partner API keys (each checks the actor's rights in core.policies and runs in a transaction),
and the change feed's entries (written by the apps' receivers inside the transaction of the change they record)."""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policies
from .models import Change, ChangeFeedFloor, PartnerAPIKey, WorkerHeartbeat
from .selectors import DATA_GENERATION_KEY

logger = logging.getLogger(__name__)

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


def change_record(*, kind: str, ids, operation: str = Change.Operation.UPSERT):
    """Enter in the change feed that the records `ids` of `kind` (an API list's name, such as "milestone") were
    created or changed (upsert) or deleted.

    Call it inside the transaction that makes the change (the apps' receivers do, on every save and delete), so
    the entry commits with the change or not at all. The feed serves each record as it is when the partner reads
    it, so recording a record twice, or a change that turns out to change nothing a partner sees, is harmless.
    """
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if ids:
        Change.objects.bulk_create([Change(kind=kind, object_id=pk, operation=operation) for pk in ids])
        transaction.on_commit(data_generation_renew)


def data_generation_renew():
    """After a change commits: a new data generation (core.selectors.data_generation), so every figure cached
    under the old one is recomputed. A cache that cannot be reached loses nothing: cached figures expire anyway."""
    try:
        cache.set(DATA_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # noqa: BLE001 (the change is committed; a cache outage must not turn it into an error)
        logger.warning("could not renew the data generation", exc_info=True)


@transaction.atomic
def change_prune(*, days: int | None = None, now=None) -> int:
    """Delete the change feed's entries older than the retention period (PARTNER_API_FEED_RETENTION_DAYS), and
    every entry before the last of them in feed order; raise the floor to it. A partner reading from a position
    below the floor is told to take a full copy again (410). Returns how many entries were deleted."""
    days = days if days is not None else settings.PARTNER_API_FEED_RETENTION_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    last = Change.objects.filter(recorded_at__lt=cutoff).order_by("-txid", "-id").values_list("txid", "id").first()
    if last is None:
        return 0
    floor, _created = ChangeFeedFloor.objects.select_for_update().get_or_create(pk=1)
    if last > floor.position:
        floor.txid, floor.entry_id = last
        floor.save()
    deleted, _by_model = Change.objects.filter(Q(txid__lt=last[0]) | Q(txid=last[0], id__lte=last[1])).delete()
    return deleted

# -- Celery workers' heartbeats (/healthz reads them) ---------------------------------------------


def worker_heartbeat(*, name: str, role: str, started_at) -> None:
    """Record that a worker (or beat) process is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        name=name[:255], defaults={"role": role, "started_at": started_at, "seen_at": timezone.now()}
    )


def worker_heartbeat_end(*, name: str) -> None:
    """A worker that stops cleanly says so, so it is not counted as alive until its heartbeat ages."""
    WorkerHeartbeat.objects.filter(name=name[:255]).delete()
