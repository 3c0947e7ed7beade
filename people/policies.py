"""Who may do what with people: the e-mail domains of single sign-on and who joins without an invitation, and
(from core.policies, where the rights of each role are decided for every app) inviting, changing a role and
deactivating. Services call these before writing and raise PermissionDenied; selectors filter by them."""

from core.policies import (
    SYSTEM,
    can_invite,
    can_manage_person,
    can_set_role,
    can_use_admin,
    inviter_may_still_invite,
    is_lead_of,
    lost_rights,
    sees_addresses_of,
)
from core.roles import is_digital_office

__all__ = [
    "SYSTEM", "can_invite", "can_manage_email_domains", "can_manage_person", "can_set_role", "can_set_sso_viewers",
    "can_use_admin", "inviter_may_still_invite", "is_digital_office", "lost_rights", "sees_addresses_of",
    "sso_creates_viewer",
]


def can_manage_email_domains(user) -> bool:
    """Which e-mail domains belong to which council (single sign-on): Digital Office staff."""
    return is_digital_office(user)


def can_set_sso_viewers(user, *, council_id) -> bool:
    """Whether single sign-on makes viewers of the council without an invitation: Digital Office staff and the
    council's digital leads."""
    return is_digital_office(user) or is_lead_of(user, council_id=council_id)


def sso_creates_viewer(council) -> bool:
    """A person from the council's e-mail domain without an invitation joins as a viewer, if the council says so."""
    return bool(council.sso_creates_viewers)
