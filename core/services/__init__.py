"""Writes of the kernel: partner API keys, workers' heartbeats, and the change feed's entries (written by the apps'
receivers inside the transaction of the change they record). One module per concern. (People: people.services.)"""

from .changes import change_prune, change_record
from .keys import LAST_USED_RESOLUTION, expiry_from_date, key_create, key_event, key_revoke, key_rotate, key_touch
from .mail import mail_error_is_transient, message_send
from .workers import worker_heartbeat, worker_heartbeat_end, worker_heartbeat_replace_dead

__all__ = [
    "LAST_USED_RESOLUTION",
    "change_prune",
    "change_record",
    "expiry_from_date",
    "key_create",
    "key_event",
    "key_revoke",
    "key_rotate",
    "key_touch",
    "mail_error_is_transient",
    "message_send",
    "worker_heartbeat",
    "worker_heartbeat_end",
    "worker_heartbeat_replace_dead",
]
