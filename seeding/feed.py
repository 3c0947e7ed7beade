"""The demo load and the partner API's change feed.

The demo set is written with `bulk_create` and `bulk_update`, which send no model signals, so it enters the feed
here: once everything is written, every demo record a partner may see is entered as an upsert (served as it is
when read, so a partner following the feed ends with the same rows as a fresh full copy). The deletes of the
previous demo set go through model signals, batch by batch.

Nothing here holds one transaction for long: rows are written, deleted and entered BATCH at a time, each batch
committed, because the feed serves an entry only once every transaction older than it has finished (docs/
operations.md, "The change feed's horizon"): the large set in one transaction held every feed on the server for
two minutes.
"""

from django.db import transaction

from collaboration.models import Comment
from collaboration.receivers import COMMENT
from contracts.models import Contract
from contracts.receivers import CONTRACT
from core.changes import record_rows
from councils.models import Contribution
from councils.receivers import CONTRIBUTION
from initiatives.models import Benefit, Initiative, Milestone, ProgressUpdate, Risk
from initiatives.receivers import BENEFIT, INITIATIVE, MILESTONE, RISK, UPDATE
from practice.models import Adoption, Asset
from practice.policies import READ_STATES
from practice.receivers import ADOPTION, ASSET
from strategy.models import Measure, MeasureReading
from strategy.receivers import MEASURE, READING

BATCH = 1000


def delete_in_batches(queryset, batch_size: int = BATCH) -> int:
    """Delete the rows of `queryset` a batch a transaction (signals, cascades and feed entries with each)."""
    model, deleted = queryset.model, 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += model._base_manager.filter(pk__in=ids).delete()[0]


def demo_rows_enter_feed() -> dict:
    """Enter every demo record partners may see in the change feed (approved updates only); kind -> count."""
    loads = [
        (Contribution.objects.filter(is_demo=True), CONTRIBUTION),
        (Measure.objects.filter(is_demo=True), MEASURE),
        (MeasureReading.objects.filter(is_demo=True), READING),
        (Initiative.objects.filter(is_demo=True), INITIATIVE),
        (Milestone.objects.filter(is_demo=True), MILESTONE),
        (Risk.objects.filter(is_demo=True), RISK),
        (Benefit.objects.filter(is_demo=True), BENEFIT),
        (ProgressUpdate.objects.filter(is_demo=True, state=ProgressUpdate.State.APPROVED), UPDATE),
        (Contract.objects.filter(is_demo=True), CONTRACT),
        (Asset.objects.filter(is_demo=True, state__in=READ_STATES), ASSET),
        (Adoption.objects.filter(is_demo=True, asset__state__in=READ_STATES), ADOPTION),
        # served only to keys whose organisation the office allows to read comments (conversations on initiatives)
        (Comment.objects.filter(is_demo=True, update__isnull=True), COMMENT),
    ]
    return {kind: record_rows(queryset, kind, batch_size=BATCH) for queryset, kind in loads}
