"""Who may do what through the partner API and with partner keys (DESIGN.md §3), in one place.

A caller is either a partner key (its scopes decide) or a signed-in portal user reading with their
session (their role decides, as on the portal pages). Maturity assessments are never served by the
API, and only approved progress updates are.
"""

from digital_office.roles import Role, is_digital_office, role_of

from .scopes import FUNDING_READ, READ_SCOPES, WEBHOOKS_MANAGE


class SystemActor:
    """The operator at the command line (`manage.py partner_key`): trusted like Digital Office staff."""

    is_authenticated = True
    pk = None

    def __str__(self):
        return "command line"


SYSTEM = SystemActor()


def can_manage_partner_access(user) -> bool:
    """Make and revoke keys, register webhooks for any partner, redeliver: Digital Office staff."""
    return user is SYSTEM or is_digital_office(user)


def api_key_of(caller):
    return getattr(caller, "api_key", None)


def scopes_of(caller) -> set[str]:
    key = api_key_of(caller)
    if key is not None:
        return set(key.scopes)
    role = role_of(caller)
    if role in (Role.DIGITAL_OFFICE, Role.COUNCIL_EDITOR, Role.COUNCIL_VIEWER):
        # Council staff read funding too, but only their own council's (contributions_visible_to).
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


def contributions_visible_to(caller, queryset):
    """A key with `funding:read` reads every council's; a session user what the funding pages show them
    (councils.policies): another council's contribution is simply absent (404), never forbidden."""
    from councils import policies as funding

    if api_key_of(caller) is not None:
        return queryset if FUNDING_READ in scopes_of(caller) else queryset.none()
    if funding.can_read_all_funding(caller):
        return queryset
    council_id = funding.own_council_id(caller)
    return queryset.filter(council_id=council_id) if council_id else queryset.none()


def updates_visible_to(caller, queryset):
    """The API serves approved updates only, to everyone: drafts, submitted and returned ones stay in the portal."""
    from initiatives.models import ProgressUpdate

    return queryset.filter(state=ProgressUpdate.State.APPROVED)


def webhook_endpoints_visible_to(caller, queryset):
    key = api_key_of(caller)
    if key is None:
        return queryset.none()
    return queryset.filter(partner_id=key.partner_id)
