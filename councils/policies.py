"""Who may do what with funding (docs/design.md §3), in one place (single sign-on's e-mail domains: people.policies).

Digital Office staff read and write every council's contributions. Council staff (editors and viewers) read
their own council's contributions only, in the pages and the API. Partners see funding only through the API,
with a key that has the scope `funding:read`, never in the portal's pages. Services call these before writing
and raise PermissionDenied (403); selectors filter by them, so a read of another council's record is a 404.
"""

from core.policies import key_has_scope
from core.roles import Role, is_council_staff_of, is_digital_office, role_of
from core.scopes import FUNDING_READ


def can_read_all_funding(user) -> bool:
    """Every council's figures: Digital Office staff (the office-wide ledger, agreements and years), and partner
    keys with the scope `funding:read` (the API)."""
    return is_digital_office(user) or key_has_scope(user, FUNDING_READ)


def can_read_council_funding(user, council_id) -> bool:
    return is_digital_office(user) or is_council_staff_of(user, council_id)


def can_manage_funding(user) -> bool:
    """Record agreements, contributions and payments, and import spreadsheets."""
    return is_digital_office(user)


def own_council_id(user):
    """The council whose funding a council editor or viewer may read; None for everyone else."""
    if role_of(user) in (Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        return user.council_id
    return None


def can_read_some_funding(user) -> bool:
    """Any funding page at all: Digital Office staff, and council staff for their own council."""
    return can_read_all_funding(user) or own_council_id(user) is not None
