"""Who may do what with the portal as a whole (DESIGN.md §3): the admin site, partner keys and API scopes.

A caller is a signed-in person (their role decides) or a partner key (its scopes decide); the domain apps'
policies build on these. Services check them before writing; templates ask them through context flags.
"""

from .roles import Role, is_digital_office, role_of, second_factor_verified
from .scopes import FUNDING_READ, READ_SCOPES, WEBHOOKS_MANAGE


class SystemActor:
    """The operator at the command line (`manage.py partner_key`): trusted like Digital Office staff."""

    is_authenticated = True
    pk = None

    def __str__(self):
        return "command line"


SYSTEM = SystemActor()


def can_use_admin(user) -> bool:
    """The admin site: superusers and Digital Office staff marked as staff, once this session used two-factor."""
    if not (user.is_authenticated and user.is_active and user.is_staff and second_factor_verified(user)):
        return False
    return user.is_superuser or is_digital_office(user)


def can_manage_partner_access(user) -> bool:
    """Make and revoke keys, register webhooks for any partner, redeliver: Digital Office staff."""
    return user is SYSTEM or is_digital_office(user)


def api_key_of(caller):
    """The partner key a request was made with (see core.api.authentication.KeyPrincipal), or None."""
    return getattr(caller, "api_key", None)


def scopes_of(caller) -> set[str]:
    key = api_key_of(caller)
    if key is not None:
        return set(key.scopes)
    role = role_of(caller)
    if role == Role.DIGITAL_OFFICE and not is_digital_office(caller):
        return set()  # staff who have not used their second factor in this session
    if role in (Role.DIGITAL_OFFICE, Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        # Council staff read funding too, but only their own council's (councils.selectors.visible_contributions).
        return set(READ_SCOPES)
    if role == Role.PARTNER:
        return set(READ_SCOPES) - {FUNDING_READ}
    return set()


def can_use_scope(caller, scope: str) -> bool:
    if scope == WEBHOOKS_MANAGE:
        # Webhooks belong to a partner organisation: only its keys manage them through the API.
        key = api_key_of(caller)
        return key is not None and scope in key.scopes
    return scope in scopes_of(caller)


def key_has_scope(caller, scope: str) -> bool:
    """True for a partner key that carries `scope`; False for everyone else (people are judged by role)."""
    key = api_key_of(caller)
    return key is not None and scope in key.scopes
