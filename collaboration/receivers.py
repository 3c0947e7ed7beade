"""The portfolio's events (initiatives.events), heard after they commit: followers are told of approved updates,
and the people who wrote an update are told when it is returned to them. And the partner API's change feed
(core.changes) for comments on initiatives: the feed serves them only to keys with comments:read, which works only
for organisations the office allows to read comments."""

from django.dispatch import receiver

from core.changes import track
from core.jobs import enqueue_after_commit
from initiatives import events

from .models import Comment

COMMENT = "comment"

# Only the conversations on initiatives: an update's (under review) never reaches a partner, not even as a delete.
track(Comment, COMMENT, only=lambda comment: comment.update_id is None)

APPROVED_TASK = "collaboration.tasks.notify_update_approved"
RETURNED_TASK = "collaboration.tasks.notify_update_returned"


@receiver(events.update_approved, dispatch_uid="collaboration.update_approved")
def on_update_approved(sender, update_id, **kwargs):
    enqueue_after_commit(APPROVED_TASK, update_id)


@receiver(events.update_returned, dispatch_uid="collaboration.update_returned")
def on_update_returned(sender, update_id, **kwargs):
    enqueue_after_commit(RETURNED_TASK, update_id)
