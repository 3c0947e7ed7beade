"""The change feed's entries (written by the apps' receivers inside the transaction of the change they record)
and their pruning."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import cache as portal_cache
from ..models import (
    Change,
    ChangeFeedFloor,
)


def change_record(*, kind: str, ids, operation: str = Change.Operation.UPSERT, owners: dict | None = None):
    """Enter in the change feed that the records `ids` of `kind` (an API list's name, such as "milestone") were
    created or changed (upsert) or deleted.

    Call it inside the transaction that makes the change (the apps' receivers do, on every save and delete), so
    the entry commits with the change or not at all. The feed serves each record as it is when the partner reads
    it, so recording a record twice, or a change that turns out to change nothing a partner sees, is harmless.
    `owners` (id -> council id) marks records confidential to one council: only readers who may see that council's
    records are told of them, deletes included.
    """
    ids = sorted({int(pk) for pk in ids if pk is not None})
    owners = owners or {}
    if ids:
        Change.objects.bulk_create([
            Change(kind=kind, object_id=pk, operation=operation, owner_council_id=owners.get(pk)) for pk in ids
        ])
        portal_cache.renew(portal_cache.PARTNER_DATA)


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
