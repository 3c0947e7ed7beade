"""The access record of what the kernel does to partner keys (core.services.keys.key_event)."""

from core.services.keys import key_event

from .services.invitations import access_record


def record_key_event(sender, *, kind, actor, partner_id, summary, **kwargs):
    access_record(kind, actor=actor, partner_id=partner_id, summary=summary)


def connect():
    key_event.connect(record_key_event, dispatch_uid="people.record_key_event")
