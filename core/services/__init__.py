"""Writes of the kernel: partner API keys and people (invitations, roles, deactivation; each checks the actor's
rights in core.policies and runs in a transaction), and the change feed's entries (written by the apps' receivers
inside the transaction of the change they record). One module per concern."""

from .changes import change_prune, change_record
from .invitations import (
    INVITATION_MAIL_TASK,
    NAME_LINK,
    InvitationRefused,
    access_record,
    invitation_accept,
    invitation_create,
    invitation_link,
    invitation_mail_send,
    invitation_resend,
    invitation_withdraw,
    mail_error_is_transient,
    message_send,
    open_invitation_for,
)
from .keys import LAST_USED_RESOLUTION, expiry_from_date, key_create, key_revoke, key_touch
from .people import (
    person_access_withdraw,
    person_deactivate,
    person_join_by_sso,
    person_link_sso,
    person_role_changed,
    person_set_role,
    person_set_sso_identity,
    rights_of,
)
from .workers import worker_heartbeat, worker_heartbeat_end, worker_heartbeat_replace_dead

__all__ = [
    "INVITATION_MAIL_TASK",
    "InvitationRefused",
    "LAST_USED_RESOLUTION",
    "NAME_LINK",
    "access_record",
    "change_prune",
    "change_record",
    "expiry_from_date",
    "invitation_accept",
    "invitation_create",
    "invitation_link",
    "invitation_mail_send",
    "invitation_resend",
    "invitation_withdraw",
    "key_create",
    "key_revoke",
    "key_touch",
    "mail_error_is_transient",
    "message_send",
    "open_invitation_for",
    "person_access_withdraw",
    "person_deactivate",
    "person_join_by_sso",
    "person_link_sso",
    "person_role_changed",
    "person_set_role",
    "person_set_sso_identity",
    "rights_of",
    "worker_heartbeat",
    "worker_heartbeat_end",
    "worker_heartbeat_replace_dead",
]
