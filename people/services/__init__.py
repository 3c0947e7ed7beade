"""Writes about people: invitations (`invitations`), roles and deactivation (`people`), and single sign-on's
e-mail domains and matching (`sso`). Each checks the actor's rights in people.policies and runs in a transaction.
Import services from here."""

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
    open_invitation_for,
)
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
from .sso import (
    SSOOutcome,
    SSORefused,
    council_set_sso_viewers,
    email_domain_add,
    email_domain_remove,
    normalise_domain,
    normalise_email,
    sso_sign_in,
)

__all__ = [
    "INVITATION_MAIL_TASK",
    "InvitationRefused",
    "NAME_LINK",
    "SSOOutcome",
    "SSORefused",
    "access_record",
    "council_set_sso_viewers",
    "email_domain_add",
    "email_domain_remove",
    "invitation_accept",
    "invitation_create",
    "invitation_link",
    "invitation_mail_send",
    "invitation_resend",
    "invitation_withdraw",
    "normalise_domain",
    "normalise_email",
    "open_invitation_for",
    "person_access_withdraw",
    "person_deactivate",
    "person_join_by_sso",
    "person_link_sso",
    "person_role_changed",
    "person_set_role",
    "person_set_sso_identity",
    "rights_of",
    "sso_sign_in",
]
